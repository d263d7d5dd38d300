package cardwatch.monitor.scheduling;

import cardwatch.monitor.platform.Platform;
import cardwatch.monitor.platform.PlatformCatalog;
import cardwatch.monitor.platform.Schedule;
import cardwatch.monitor.system.CardwatchProperties;
import cardwatch.probes.purchase.PurchaseProbe;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.ThreadLocalRandom;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Puts each platform's probes on the Quartz scheduler once the service is ready (its callback endpoint is up).
 * Purchases and cron schedules get a trigger each; an interval purchase starts at a random offset within its first
 * interval, so platforms do not fire together. Interval probes that spend nothing go into {@link CheckShards}, whose
 * shards' triggers fire every second: one trigger a second per shard instead of one per check.
 */
@Component
class ProbeScheduler implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ProbeScheduler.class);
    static final String GROUP = "cardwatch";

    private final Scheduler scheduler;
    private final PlatformCatalog catalog;
    private final Clock clock;
    private final TimeZone zone;
    private final CheckShards shards;
    /** Set once the platforms are first scheduled: changes before that are in what that reads. */
    private volatile boolean started;

    ProbeScheduler(Scheduler scheduler, PlatformCatalog catalog, Clock clock, CardwatchProperties properties,
            CheckShards shards) {
        this.scheduler = scheduler;
        this.shards = shards;
        this.catalog = catalog;
        this.clock = clock;
        this.zone = TimeZone.getTimeZone(properties.schedule().timeZone());
        catalog.listen(this::apply);
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        Set<JobKey> wanted = new HashSet<>();
        try {
            for (Platform platform : catalog.all()) {
                platform.schedules().forEach((probe, schedule) -> schedule(platform.id(), probe, schedule)
                        .ifPresent(wanted::add));
            }
            shards.used().forEach(shard -> wanted.add(scheduleShard(shard)));
            // in a clustered job store, the jobs of platforms no longer in the file (or shards no longer used)
            for (JobKey stale : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
                if (!wanted.contains(stale)) {
                    scheduler.deleteJob(stale);
                    log.info("{}: no longer in the configuration; its trigger is removed", stale.getName());
                }
            }
        } catch (IllegalStateException | SchedulerException e) {
            throw new IllegalStateException("cannot schedule the probes", e);
        }
        started = true;
        log.info("scheduled {} platforms from {} ({} interval checks in {} shards)", catalog.all().size(),
                catalog.source(), shards.size(), shards.used().size());
    }

    /**
     * A change of platforms while running: the triggers and checks of platforms gone, or of probes a changed
     * platform no longer has, are removed; those of new and changed platforms are put in place (a trigger whose
     * schedule stayed the same keeps its place in time).
     */
    synchronized void apply(PlatformCatalog.Change change) {
        if (!started) {
            return;
        }
        try {
            for (Platform gone : change.removed()) {
                unschedule(gone.id(), gone.schedules().keySet());
            }
            for (Platform changed : change.updated()) {
                Platform before = change.before().get(changed.id());
                Set<String> dropped = new HashSet<>(before.schedules().keySet());
                // a probe that moved between a trigger and a shard, or left: its old place goes
                before.schedules().forEach((probe, schedule) -> {
                    Schedule now = changed.schedules().get(probe);
                    if (now != null && inShard(probe, now) == inShard(probe, schedule)) {
                        dropped.remove(probe);
                    }
                });
                unschedule(changed.id(), dropped);
            }
            for (Platform platform : change.added()) {
                platform.schedules().forEach((probe, schedule) -> schedule(platform.id(), probe, schedule));
            }
            for (Platform platform : change.updated()) {
                platform.schedules().forEach((probe, schedule) -> schedule(platform.id(), probe, schedule));
            }
            shards.used().forEach(this::scheduleShard);
        } catch (IllegalStateException | SchedulerException e) {
            log.error("the platform change ({}) was not fully scheduled; a restart schedules everything again", change,
                    e);
            return;
        }
        log.info("platforms changed ({}): {} platforms, {} interval checks in {} shards", change, catalog.all().size(),
                shards.size(), shards.used().size());
    }

    private void unschedule(String platform, Set<String> probes) throws SchedulerException {
        for (String probe : probes) {
            shards.remove(platform, probe);
            scheduler.deleteJob(JobKey.jobKey(platform + "." + probe, GROUP));
        }
    }

    private static boolean inShard(String probe, Schedule schedule) {
        return !schedule.isCron() && !probe.equals(PurchaseProbe.KIND);
    }

    /** Schedules one probe; the job that fires it, or empty when it sits in a shard. */
    private Optional<JobKey> schedule(String platform, String probe, Schedule schedule) {
        if (inShard(probe, schedule)) {
            shards.add(platform, probe, schedule.every(), schedule.jitter());
            return Optional.empty();
        }
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
        put(job, built);
        log.debug("{} {}: {}", platform, probe, schedule);
        return Optional.of(key);
    }

    /** The shard's trigger: every second at the shard's phase, from the next such instant on. */
    private JobKey scheduleShard(int shard) {
        JobKey key = JobKey.jobKey("checks." + shard, GROUP);
        JobDetail job = JobBuilder.newJob(ShardTickJob.class).withIdentity(key)
                .usingJobData(ShardTickJob.SHARD, shard).storeDurably(false).build();
        long now = clock.millis();
        long first = Math.floorDiv(now, CheckShards.TICK) * CheckShards.TICK + CheckShards.phase(shard);
        if (first <= now) {
            first += CheckShards.TICK;
        }
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(key.getName(), GROUP).forJob(key)
                .startAt(new Date(first))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(CheckShards.TICK)
                        .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        put(job, trigger);
        return key;
    }

    /**
     * Puts the job and its trigger on the scheduler, in place of any earlier one of the same key, unless one with
     * the same schedule is there already: in a clustered job store the trigger outlives an instance, and another
     * instance starting keeps its place in time instead of drawing a new start.
     */
    private void put(JobDetail job, Trigger trigger) {
        for (int attempt = 1; ; attempt++) {
            try {
                if (sameSchedule(scheduler.getTrigger(trigger.getKey()), trigger)) {
                    return;
                }
                scheduler.scheduleJob(job, Set.of(trigger), true);
                return;
            } catch (SchedulerException e) {
                // instances starting together on an empty store: another stored the same job between the look and
                // the write (a duplicate key); the next look finds it
                if (attempt == 3) {
                    throw new IllegalStateException("cannot schedule " + job.getKey(), e);
                }
                log.debug("{}: stored by another instance meanwhile ({}); looking again", job.getKey(), e.toString());
            }
        }
    }

    static boolean sameSchedule(Trigger existing, Trigger wanted) {
        if (existing instanceof SimpleTrigger a && wanted instanceof SimpleTrigger b) {
            return a.getRepeatInterval() == b.getRepeatInterval() && a.getRepeatCount() == b.getRepeatCount();
        }
        if (existing instanceof CronTrigger a && wanted instanceof CronTrigger b) {
            return a.getCronExpression().equals(b.getCronExpression()) && a.getTimeZone().equals(b.getTimeZone());
        }
        return false;
    }
}
