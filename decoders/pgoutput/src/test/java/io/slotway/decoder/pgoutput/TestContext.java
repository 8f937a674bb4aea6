package io.slotway.decoder.pgoutput;

import io.slotway.api.PgException;
import io.slotway.api.change.Publication;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.types.SessionFormat;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A decoding context with options in order (repeats kept) and publications that tests can change between changes. */
final class TestContext implements DecodingContext {
    private final List<Map.Entry<String, String>> options = new ArrayList<>();
    final Map<String, Publication> publications = new HashMap<>();
    final List<PgException> notices = new ArrayList<>();
    /** How often {@link #publication} was asked. */
    int publicationLookups;

    /** Options from name/value pairs; a null value is a bare option. */
    TestContext(String... nameValue) {
        for (int i = 0; i < nameValue.length; i += 2) {
            options.add(new AbstractMap.SimpleImmutableEntry<>(nameValue[i], nameValue[i + 1]));
        }
    }

    TestContext with(Publication... pubs) {
        for (Publication p : pubs) {
            publications.put(p.name(), p);
        }
        return this;
    }

    @Override
    public Map<String, String> options() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : options) {
            m.put(e.getKey(), e.getValue());
        }
        return m;
    }

    @Override
    public List<Map.Entry<String, String>> optionList() {
        return List.copyOf(options);
    }

    @Override
    public String slotName() {
        return "slot";
    }

    @Override
    public Optional<Publication> publication(String name) {
        publicationLookups++;
        return Optional.ofNullable(publications.get(name));
    }

    @Override
    public SessionFormat format() {
        return SessionFormat.DEFAULT;
    }

    @Override
    public boolean textualConsumer() {
        return false;
    }

    @Override
    public void notice(PgException notice) {
        notices.add(notice);
    }
}
