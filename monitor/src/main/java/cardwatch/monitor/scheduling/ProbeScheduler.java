package cardwatch.monitor.scheduling;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.Schedule;
import cardwatch.monitor.system.CardwatchProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.TimeZone;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.CronScheduleBuilder;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Puts each platform's probes on the Quartz scheduler once the service is ready (its callback endpoint is up).
 * Interval schedules start at a random offset within the first interval, so platforms do not fire together.
 */
@Component
class ProbeScheduler implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);
    static final String GROUP = "cardwatch";

    private final Scheduler scheduler;
    private final PlatformCatalog catalog;
    private final Clock clock;
    private final TimeZone zone;

    ProbeScheduler(Scheduler scheduler, PlatformCatalog catalog, Clock clock, CardwatchProperties properties) {
        this.scheduler = scheduler;
        this.catalog = catalog;
        this.clock = clock;
        this.zone = TimeZone.getTimeZone(properties.schedule().timeZone());
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        try {
            for (Platform platform : catalog.all()) {
                platform.schedules().forEach((probe, schedule) -> schedule(platform.id(), probe, schedule));
            }
        } catch (IllegalStateException e) {
            throw new IllegalStateException("cannot schedule the probes", e);
        }
        log.info("scheduled {} platforms from {}", catalog.all().size(), catalog.source());
    }

    private void schedule(String platform, String probe, Schedule schedule) {
        JobKey key = JobKey.jobKey(platform + "." + probe, GROUP);
        JobDetail job = JobBuilder.newJob(ProbeJob.class).withIdentity(key)
                .usingJobData(ProbeJob.PLATFORM, platform).usingJobData(ProbeJob.PROBE, probe)
                .storeDurably(false).build();
        TriggerBuilder<Trigger> trigger = TriggerBuilder.newTrigger().withIdentity(key.getName(), GROUP).forJob(key);
        Trigger built;
        if (schedule.isCron()) {
            built = trigger.withSchedule(CronScheduleBuilder.cronSchedule(schedule.cron()).inTimeZone(zone)
                    .withMisfireHandlingInstructionDoNothing()).build();
        } else {
            long every = schedule.every().toMillis();
            Instant first = clock.instant().plusMillis(ThreadLocalRandom.current().nextLong(every));
            built = trigger.startAt(Date.from(first))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every)
                            .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
        }
        try {
            scheduler.scheduleJob(job, java.util.Set.of(built), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + key, e);
        }
        log.debug("{} {}: {}", platform, probe, schedule);
    }
}
