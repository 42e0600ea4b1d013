/** `schedule` and `job` with a cron or interval → scheduled invocations of the worker. */
import { diag, type Span } from '../../diagnostics/index.js';
import { dsl, type Pass } from '../context.js';
import { toAwsCron, toAwsRate, type Converted } from '../schedule-expression.js';

export const schedules: Pass = ({ spec, draft, report }) => {
  const add = (construct: string, item: { name: string; span: Span }, converted: Converted, at: Span, timezone: string | null) => {
    if (!converted.ok) {
      report(diag('DZ5003', `${construct} '${item.name}': ${converted.message}`, { span: at, hint: converted.hint }));
      return;
    }
    draft.schedules.push({ id: `schedule:${item.name}`, name: item.name, expression: converted.expression, timezone, target: 'worker', because: [dsl(construct, item)] });
  };
  for (const s of spec.schedules) {
    if (s.cron) add('schedule', s, toAwsCron(s.cron.value), s.cron.span, s.timezone);
    else if (s.interval) add('schedule', s, toAwsRate(s.interval.value), s.interval.span, s.timezone);
    else {
      report(
        diag('DZ5004', `schedule '${s.name}' has no cron or interval, so nothing runs it`, {
          span: s.span,
          hint: 'add cron: "0 2 * * *" (or interval: 15m)',
        }),
      );
    }
  }
  for (const j of spec.jobs) if (j.schedule) add('job', j, toAwsCron(j.schedule.value), j.schedule.span, null);
};
