import type { InputModelDescriptor } from './InputModelDescriptor.js';

/**
 * Stream records (Kinesis, DynamoDB Streams), for each stream mapping that reads them: processed,
 * filtered, or given up with its on-failure record delivered; expired from the stream, or given
 * up with no destination taking the record, is lost.
 */
export const streamInputs: InputModelDescriptor = {
  models: ['kinesis', 'dynamodb-streams'],
  named: (id, where) => `stream record ${id} of ${where}`,
  acknowledged: () => 'was checkpointed after its processing succeeded',
  problems: (result, requireFinished) =>
    result.streamRecords.flatMap((r) => {
      const fate = r.fate;
      const lost = fate.state === 'expired' || (fate.state === 'discarded' && fate.target === undefined);
      if (!lost && !(fate.state === 'pending' && requireFinished)) return [];
      const configured = fate.state === 'discarded' && r.onFailure !== undefined;
      return [
        {
          check: 'noLostEvents',
          condition: fate.state === 'discarded' ? fate.condition : undefined,
          failureDelivery: fate.state === 'discarded' ? (configured ? 'failed' : 'notConfigured') : undefined,
          deliveryErrors: configured ? [`${r.onFailure}: refused the record`] : [],
          kind: lost ? 'lost' : 'unfinished',
          model: r.model,
          input: r.eventId,
          where: r.stream,
          state: fate.state,
        } as const,
      ];
    }),
  lost(v) {
    if (v.kind === 'unfinished')
      return `stream record ${v.input} of ${v.where} was still in the stream when the run ended (unfinished; see result.shards for a blocked shard). Let the run reach quiescence, or bound retries (maximumRetryAttempts, maximumRecordAgeS, bisectBatchOnFunctionError) so a poison record cannot hold its shard.`;
    if (v.state === 'expired')
      return `stream record ${v.input} of ${v.where} left the stream's retention before its mapping processed it (lost). A failing batch held its shard until the records expired: bound retries (maximumRetryAttempts, maximumRecordAgeS) and give the mapping an on-failure destination.`;
    return `stream record ${v.input} of ${v.where} was given up (${v.condition ?? 'unknown condition'}) ${v.failureDelivery === 'failed' ? `and its on-failure record could not be delivered: ${v.deliveryErrors.join('; ')}` : 'with no on-failure destination'} (lost). Configure onFailure on the mapping so given-up records can be re-read from the stream.`;
  },
};
