/**
 * The paths the AWS SDK's shared config and credentials files have inside a simulated Lambda
 * environment (`AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE`): lambdasim answers them as empty
 * files from memory, so the SDK's configuration never reads the machine's `~/.aws` (a run must not
 * depend on the machine) and never does real file I/O inside a run.
 */
export const SIM_AWS_CONFIG_FILE = '/lambdasim/aws/config';
export const SIM_AWS_CREDENTIALS_FILE = '/lambdasim/aws/credentials';

/**
 * The AWS variables a Lambda runtime sets (region, the execution role's temporary credentials),
 * with fake credentials, and the SDK's file and metadata lookups turned off. They replace every
 * `AWS_` variable of the test process in a simulated environment. See "Defined runtime environment
 * variables", https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
 */
export const LAMBDA_AWS_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'ASIALAMBDASIMFAKE000',
  AWS_SECRET_ACCESS_KEY: 'lambdasim/fake/secret/access/key/000000',
  AWS_SESSION_TOKEN: 'lambdasim-fake-session-token',
  AWS_CONFIG_FILE: SIM_AWS_CONFIG_FILE,
  AWS_SHARED_CREDENTIALS_FILE: SIM_AWS_CREDENTIALS_FILE,
  AWS_EC2_METADATA_DISABLED: 'true',
};
