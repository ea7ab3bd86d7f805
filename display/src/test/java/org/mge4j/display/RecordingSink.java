package org.mge4j.display;

import java.util.ArrayList;
import java.util.List;

/** A {@link DisplaySink} that records what would have been published, as the kernel would publish it. */
final class RecordingSink implements DisplaySink {
    /** One published message: display_data, update_display_data or clear_output. */
    record Message(String type, String displayId, MimeBundle bundle) {
    }

    final List<Message> messages = new ArrayList<>();
    private final boolean inPlace;
    private int ids;

    RecordingSink(boolean inPlace) {
        this.inPlace = inPlace;
    }

    @Override
    public String display(MimeBundle bundle) {
        String id = "id-" + ids++;
        messages.add(new Message("display_data", id, bundle));
        return id;
    }

    @Override
    public void update(String displayId, MimeBundle bundle) {
        messages.add(new Message("update_display_data", displayId, bundle));
    }

    @Override
    public void clearOutput(boolean wait) {
        messages.add(new Message("clear_output", null, null));
    }

    @Override
    public boolean updatesInPlace() {
        return inPlace;
    }

    List<String> types() {
        return messages.stream().map(Message::type).toList();
    }
}
