package cardwatch.monitor.scheduling;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job for one platform's probe that keeps a trigger of its own: a purchase, or a probe on a cron schedule
 * (interval checks that spend nothing are fired by {@link ShardTickJob} instead). It only hands the fire to the
 * {@link ProbeDispatcher}: probe work runs on the dispatcher's pool, never on a scheduler thread. It returns at once, so two fires of one job never overlap
 * long enough to matter, and a run still going when the next fire comes is skipped by the dispatcher's
 * {@link cardwatch.monitor.run.RunGuard}: the job is not marked {@code @DisallowConcurrentExecution}, whose
 * bookkeeping (blocking the job's triggers at each fire, freeing them after) was most of the job store's work.
 */
class ProbeJob implements Job {

    static final String PLATFORM = "platform";
    static final String PROBE = "probe";

    private final ProbeDispatcher dispatcher;

    ProbeJob(ProbeDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Override
    public void execute(JobExecutionContext context) {
        String platform = context.getMergedJobDataMap().getString(PLATFORM);
        String probe = context.getMergedJobDataMap().getString(PROBE);
        dispatcher.fire(platform, probe, context.getScheduledFireTime().toInstant());
    }
}
