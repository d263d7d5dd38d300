package cardwatch.monitor.scheduling;

import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.spi.JobFactory;
import org.quartz.spi.TriggerFiredBundle;
import org.springframework.boot.quartz.autoconfigure.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Quartz fires a {@link ProbeJob} per platform for purchases and cron schedules, and a {@link ShardTickJob} per
 * shard of interval checks every second. Both jobs are stateless, so every fire gets one instance instead of a bean
 * built by autowiring per fire (Spring's default job factory), which cost more CPU than the fire's own work.
 */
@Configuration(proxyBeanMethods = false)
class ProbeJobFactory {

    @Bean
    CheckShards checkShards() {
        return new CheckShards();
    }

    @Bean
    SchedulerFactoryBeanCustomizer oneProbeJob(ProbeDispatcher dispatcher, CheckShards shards) {
        ProbeJob job = new ProbeJob(dispatcher);
        ShardTickJob tick = new ShardTickJob(shards, dispatcher);
        JobFactory factory = new JobFactory() {
            @Override
            public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
                Class<?> type = bundle.getJobDetail().getJobClass();
                if (type == ProbeJob.class) {
                    return job;
                }
                if (type == ShardTickJob.class) {
                    return tick;
                }
                throw new SchedulerException("no job " + type.getName());
            }
        };
        return schedulerFactory -> schedulerFactory.setJobFactory(factory);
    }
}
