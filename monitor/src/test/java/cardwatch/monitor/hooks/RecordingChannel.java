package cardwatch.monitor.hooks;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A channel for tests: every notice it is sent is kept, in order. */
public final class RecordingChannel implements AlertChannel {

    private final String name;
    private final List<Notice> sent = new CopyOnWriteArrayList<>();

    public RecordingChannel(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void send(Notice notice) {
        sent.add(notice);
    }

    public List<Notice> sent() {
        return sent;
    }
}
