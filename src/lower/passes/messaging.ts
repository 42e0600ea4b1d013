/**
 * Channels, event topics and streams → queues (with dead-letter queues), event
 * buses (Kafka topics when [deploy.kafka] is enabled) and email senders.
 */
import { diag } from '../../diagnostics/index.js';
import { dsl, type Pass } from '../context.js';

/** Receives before a message is moved to the dead-letter queue, when the channel does not say. */
export const DEFAULT_DEAD_LETTER_AFTER = 3;

export const messaging: Pass = ({ spec, draft, report }) => {
  for (const channel of spec.channels) {
    const because = [dsl(`channel (kind: ${channel.kind})`, channel)];
    if (channel.kind === 'queue') {
      const raw = channel.config.dead_letter_after ?? channel.config.max_retries;
      let deadLetterAfter = DEFAULT_DEAD_LETTER_AFTER;
      if (raw !== undefined) {
        const n = Number(raw);
        if (!Number.isInteger(n) || n < 1 || n > 1000) {
          report(
            diag('DZ5002', `channel '${channel.name}': dead_letter_after must be a whole number from 1 to 1000, got '${raw}'`, {
              span: channel.span,
              hint: 'the number of receives before a message moves to the dead-letter queue (SQS allows 1-1000)',
            }),
          );
          continue;
        }
        deadLetterAfter = n;
      }
      draft.queues.push({ id: `queue:${channel.name}`, name: channel.name, deadLetterAfter, because });
    } else if (channel.kind === 'stream') {
      draft.eventBuses.push({ id: `bus:${channel.name}`, name: channel.name, source: 'stream', retention: channel.config.retention ?? null, because });
    } else {
      draft.emailSenders.push({ id: `email:${channel.name}`, name: channel.name, fromAddress: channel.config.from_address ?? null, because });
    }
  }
  for (const topic of spec.eventTopics) {
    draft.eventBuses.push({ id: `bus:${topic.name}`, name: topic.name, source: 'topic', retention: topic.retention, because: [dsl('event topic', topic)] });
  }
  // An HLESS stream is a topic of records: it gets its own bus, like a stream channel.
  for (const stream of spec.streams ?? []) {
    draft.eventBuses.push({ id: `bus:${stream.name}`, name: stream.name, source: 'stream', retention: stream.retention, because: [dsl(`stream (kind: ${stream.kind})`, stream)] });
  }
  draft.eventBuses.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
};
