package cardwatch.monitor.scheduling;

import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz job of one {@link CheckShards} shard: at each tick it hands the shard's checks due at the tick's
 * scheduled time to the {@link ProbeDispatcher}, and returns.
 */
class ShardTickJob implements Job {

    static final String SHARD = "shard";

    private final CheckShards shards;
    private final ProbeDispatcher dispatcher;

    ShardTickJob(CheckShards shards, ProbeDispatcher dispatcher) {
        this.shards = shards;
        this.dispatcher = dispatcher;
    }

    @Override
    public void execute(JobExecutionContext context) {
        int shard = context.getMergedJobDataMap().getInt(SHARD);
        long tick = context.getScheduledFireTime().getTime();
        dispatcher.startAt(tick, shards.due(shard, tick));
    }
}
