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
 * Quartz fires one {@link ProbeJob} per platform and probe: hundreds a second for a large fleet. The job is
 * stateless, so every fire gets the one instance instead of a bean built by autowiring per fire (Spring's default
 * job factory), which cost more CPU than the fire's own work.
 */
@Configuration(proxyBeanMethods = false)
class ProbeJobFactory {

    @Bean
    SchedulerFactoryBeanCustomizer oneProbeJob(ProbeDispatcher dispatcher) {
        ProbeJob job = new ProbeJob(dispatcher);
        JobFactory factory = new JobFactory() {
            @Override
            public Job newJob(TriggerFiredBundle bundle, Scheduler scheduler) throws SchedulerException {
                if (bundle.getJobDetail().getJobClass() != ProbeJob.class) {
                    throw new SchedulerException("no job " + bundle.getJobDetail().getJobClass().getName());
                }
                return job;
            }
        };
        return schedulerFactory -> schedulerFactory.setJobFactory(factory);
    }
}
