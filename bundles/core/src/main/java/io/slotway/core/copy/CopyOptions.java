package io.slotway.core.copy;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.types.PgValues;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * COPY's options after PostgreSQL 15's {@code ProcessCopyOptions}: the same checks in the same order,
 * with its SQLSTATEs and texts (positions where PostgreSQL reports them), then its defaults.
 *
 * @param forceQuote the FORCE_QUOTE columns, null when none; {@code forceQuoteAll} for {@code *}
 */
public record CopyOptions(Format format, String delimiter, String nullString, boolean header, String quote,
                          String escape, List<String> forceQuote, boolean forceQuoteAll) {

    public enum Format { TEXT, CSV, BINARY }

    /** The encodings {@code pg_char_to_encoding} knows under a few common spellings; Slotway sends UTF-8 only. */
    private static final Set<String> ENCODINGS = Set.of("utf8", "unicode", "sql_ascii", "latin1", "win1252",
            "euc_jp", "sjis", "latin9", "win1251", "koi8r", "gbk", "big5", "euc_kr", "uhc");

    public boolean csv() {
        return format == Format.CSV;
    }

    public boolean binary() {
        return format == Format.BINARY;
    }

    /** Checks {@code options} of a COPY TO ({@code from} false) or FROM as PostgreSQL 15 does. */
    public static CopyOptions process(List<CopyStatement.Option> options, boolean from) throws PgException {
        boolean formatSpecified = false;
        boolean freezeSpecified = false;
        boolean headerSpecified = false;
        Format format = Format.TEXT;
        String delim = null;
        String nullPrint = null;
        boolean header = false;
        String quote = null;
        String escape = null;
        List<String> forceQuote = null;
        boolean forceQuoteAll = false;
        List<String> forceNotNull = null;
        List<String> forceNull = null;
        for (CopyStatement.Option o : options) {
            switch (o.name()) {
                case "format" -> {
                    String fmt = string(o);
                    if (formatSpecified) {
                        throw conflicting(o);
                    }
                    formatSpecified = true;
                    format = switch (fmt) {
                        case "text" -> Format.TEXT;
                        case "csv" -> Format.CSV;
                        case "binary" -> Format.BINARY;
                        default -> throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                                "COPY format \"" + fmt + "\" not recognized").withPosition(o.position());
                    };
                }
                case "freeze" -> {
                    if (freezeSpecified) {
                        throw conflicting(o);
                    }
                    freezeSpecified = true;
                    bool(o); // accepted and meaningless for COPY TO, as in PostgreSQL 15
                }
                case "delimiter" -> {
                    if (delim != null) {
                        throw conflicting(o);
                    }
                    delim = string(o);
                }
                case "null" -> {
                    if (nullPrint != null) {
                        throw conflicting(o);
                    }
                    nullPrint = string(o);
                }
                case "header" -> {
                    if (headerSpecified) {
                        throw conflicting(o);
                    }
                    headerSpecified = true;
                    header = headerChoice(o, from);
                }
                case "quote" -> {
                    if (quote != null) {
                        throw conflicting(o);
                    }
                    quote = string(o);
                }
                case "escape" -> {
                    if (escape != null) {
                        throw conflicting(o);
                    }
                    escape = string(o);
                }
                case "force_quote" -> {
                    if (forceQuote != null || forceQuoteAll) {
                        throw conflicting(o);
                    }
                    if ("*".equals(o.value())) {
                        forceQuoteAll = true;
                    } else {
                        forceQuote = columnList(o);
                    }
                }
                case "force_not_null" -> {
                    if (forceNotNull != null) {
                        throw conflicting(o);
                    }
                    forceNotNull = columnList(o);
                }
                case "force_null" -> {
                    if (forceNull != null) {
                        throw conflicting(o);
                    }
                    forceNull = columnList(o);
                }
                case "encoding" -> {
                    String enc = string(o).toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
                    if (!ENCODINGS.contains(enc) && !ENCODINGS.contains(string(o).toLowerCase(Locale.ROOT))) {
                        throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                                "argument to option \"encoding\" must be a valid encoding name").withPosition(o.position());
                    }
                }
                default -> throw new PgException(SqlState.SYNTAX_ERROR, "option \"" + o.name() + "\" not recognized")
                        .withPosition(o.position());
            }
        }
        boolean csv = format == Format.CSV;
        boolean binary = format == Format.BINARY;
        if (binary && delim != null) {
            throw new PgException(SqlState.SYNTAX_ERROR, "cannot specify DELIMITER in BINARY mode");
        }
        if (binary && nullPrint != null) {
            throw new PgException(SqlState.SYNTAX_ERROR, "cannot specify NULL in BINARY mode");
        }
        if (delim == null) {
            delim = csv ? "," : "\t";
        }
        if (nullPrint == null) {
            nullPrint = csv ? "" : "\\N";
        }
        if (csv) {
            if (quote == null) {
                quote = "\"";
            }
            if (escape == null) {
                escape = quote;
            }
        }
        if (delim.getBytes(StandardCharsets.UTF_8).length != 1) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY delimiter must be a single one-byte character");
        }
        if (delim.indexOf('\r') >= 0 || delim.indexOf('\n') >= 0) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "COPY delimiter cannot be newline or carriage return");
        }
        if (nullPrint.indexOf('\r') >= 0 || nullPrint.indexOf('\n') >= 0) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "COPY null representation cannot use newline or carriage return");
        }
        if (!csv && "\\.abcdefghijklmnopqrstuvwxyz0123456789".indexOf(delim.charAt(0)) >= 0) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "COPY delimiter cannot be \"" + delim + "\"");
        }
        if (binary && header) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "cannot specify HEADER in BINARY mode");
        }
        if (!csv && quote != null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY quote available only in CSV mode");
        }
        if (csv && quote.getBytes(StandardCharsets.UTF_8).length != 1) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY quote must be a single one-byte character");
        }
        if (csv && delim.charAt(0) == quote.charAt(0)) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "COPY delimiter and quote must be different");
        }
        if (!csv && escape != null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY escape available only in CSV mode");
        }
        if (csv && escape.getBytes(StandardCharsets.UTF_8).length != 1) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY escape must be a single one-byte character");
        }
        if (!csv && (forceQuote != null || forceQuoteAll)) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY force quote available only in CSV mode");
        }
        if ((forceQuote != null || forceQuoteAll) && from) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY force quote only available using COPY TO");
        }
        if (!csv && forceNotNull != null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY force not null available only in CSV mode");
        }
        if (forceNotNull != null && !from) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY force not null only available using COPY FROM");
        }
        if (!csv && forceNull != null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY force null available only in CSV mode");
        }
        if (forceNull != null && !from) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY force null only available using COPY FROM");
        }
        if (nullPrint.indexOf(delim.charAt(0)) >= 0) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY delimiter must not appear in the NULL specification");
        }
        if (csv && nullPrint.indexOf(quote.charAt(0)) >= 0) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "CSV quote character must not appear in the NULL specification");
        }
        return new CopyOptions(format, delim, nullPrint, header, quote, escape, forceQuote, forceQuoteAll);
    }

    private static PgException conflicting(CopyStatement.Option o) {
        return new PgException(SqlState.SYNTAX_ERROR, "conflicting or redundant options").withPosition(o.position());
    }

    /** PostgreSQL's defGetString. */
    private static String string(CopyStatement.Option o) throws PgException {
        if (o.value() == null) {
            throw new PgException(SqlState.SYNTAX_ERROR, o.name() + " requires a parameter");
        }
        if (o.value() instanceof String s) {
            return s;
        }
        throw new PgException(SqlState.SYNTAX_ERROR, o.name() + " requires a parameter");
    }

    /** PostgreSQL's defGetBoolean. */
    private static boolean bool(CopyStatement.Option o) throws PgException {
        if (o.value() == null) {
            return true;
        }
        Boolean b = o.value() instanceof String s ? PgValues.parseBool(s) : null;
        if (b == null) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, o.name() + " requires a Boolean value");
        }
        return b;
    }

    /** PostgreSQL 15's defGetCopyHeaderChoice. */
    private static boolean headerChoice(CopyStatement.Option o, boolean from) throws PgException {
        if (o.value() == null) {
            return true;
        }
        if (o.value() instanceof String s) {
            if (s.equals("0") || s.equals("1")) {
                return s.equals("1");
            }
            Boolean b = s.matches("-?[0-9]+") ? null : PgValues.parseBool(s);
            if (b != null) {
                return b;
            }
            if (s.equalsIgnoreCase("match")) {
                if (!from) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "cannot use \"" + s + "\" with HEADER in COPY TO");
                }
                return true;
            }
        }
        throw new PgException(SqlState.SYNTAX_ERROR, o.name() + " requires a Boolean value or \"match\"");
    }

    @SuppressWarnings("unchecked")
    private static List<String> columnList(CopyStatement.Option o) throws PgException {
        if (o.value() instanceof List<?> list) {
            return (List<String>) list;
        }
        throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                "argument to option \"" + o.name() + "\" must be a list of column names").withPosition(o.position());
    }
}
