package io.slotway.core.shell;

import java.util.ArrayList;
import java.util.List;

/**
 * A table as psql prints one in its default aligned format: a centred header, a {@code ---+---} rule,
 * left-aligned cells and a {@code (n rows)} footer, so the shell's output reads like
 * {@code SELECT * FROM pg_replication_slots}.
 */
final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = header.clone();
    }

    TextTable row(Object... cells) {
        if (cells.length != header.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, header " + header.length);
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = cells[i] == null ? "" : cells[i].toString();
        }
        rows.add(r);
        return this;
    }

    int size() {
        return rows.size();
    }

    @Override
    public String toString() {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
        }
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        String[] centred = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            int left = (width[i] - header[i].length()) / 2;
            centred[i] = " ".repeat(left) + header[i];
        }
        line(sb, centred, width);
        for (int i = 0; i < width.length; i++) {
            sb.append(i == 0 ? "" : "+").append("-".repeat(width[i] + 2));
        }
        sb.append('\n');
        for (String[] r : rows) {
            line(sb, r, width);
        }
        sb.append('(').append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            l.append(i == 0 ? " " : " | ").append(cells[i]);
            if (i < cells.length - 1) {
                l.append(" ".repeat(width[i] - cells[i].length()));
            }
        }
        sb.append(stripTrailing(l)).append('\n');
    }

    private static String stripTrailing(CharSequence s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.subSequence(0, end).toString();
    }
}
