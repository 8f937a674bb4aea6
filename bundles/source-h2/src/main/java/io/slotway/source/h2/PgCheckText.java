package io.slotway.source.h2;

import io.slotway.api.sql.PgIdentifiers;
import io.slotway.api.sql.Token;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgTypeNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A CHECK constraint as PostgreSQL 15's {@code pg_get_constraintdef} prints it back, plain ({@code CHECK ((c >=
 * (0)::numeric))}) and pretty ({@code CHECK (c >= 0::numeric)}, what psql's {@code \d} shows). PostgreSQL stores the
 * parsed, type-resolved expression and deparses it (ruleutils.c): constants take the column's type (an unknown
 * literal becomes a constant of that type, an integer meeting numeric or a float is cast), varchar is relabelled to
 * text, {@code IN} becomes {@code = ANY (ARRAY[...])}, {@code BETWEEN} two comparisons, {@code LIKE} {@code ~~}; plain
 * output parenthesises every operation, pretty output only where isSimpleNode requires. Covered: comparisons,
 * arithmetic, AND/OR/NOT, IS [NOT] NULL, [NOT] BETWEEN, [NOT] IN, [NOT] [I]LIKE, regular-expression operators, casts and
 * the common functions over columns of the built-in scalar types; anything else returns null (the caller keeps what
 * it had).
 */
final class PgCheckText {
    /** Plain and pretty forms, each {@code CHECK (...)}. */
    record Text(String plain, String pretty) {}

    private static final Set<String> COMPARISON = Set.of("=", "<>", "!=", "<", ">", "<=", ">=", "~", "~*", "!~", "!~*");
    private static final Map<String, PgType> FUNCTIONS = Map.of("char_length", PgType.INT4, "length", PgType.INT4,
            "lower", PgType.TEXT, "upper", PgType.TEXT, "btrim", PgType.TEXT, "octet_length", PgType.INT4);

    // ------------------------------------------------------------------------------------------- nodes

    private sealed interface Node permits Col, Const, Cast, Op, Bool, Not, NullTest, Func, AnyArray, ArrayOf {
        PgType type();
    }

    private record Col(String name, PgType type) implements Node {}

    /** A constant: its text as printed ({@code 0}, {@code 'x'}), and whether {@code ::type} follows. */
    private record Const(String text, PgType type, int typmod, boolean label) implements Node {}

    /** A coercion printed as a cast: {@code (arg)::type}, pretty {@code arg::type}. */
    private record Cast(Node arg, PgType type) implements Node {}

    private record Op(String op, Node l, Node r, PgType type) implements Node {}

    private record Bool(String op, List<Node> args) implements Node {
        public PgType type() { return PgType.BOOL; }
    }

    private record Not(Node arg) implements Node {
        public PgType type() { return PgType.BOOL; }
    }

    private record NullTest(Node arg, boolean not) implements Node {
        public PgType type() { return PgType.BOOL; }
    }

    private record Func(String name, List<Node> args, PgType type) implements Node {}

    /** {@code l op ANY|ALL (array)}. */
    private record AnyArray(Node l, String op, boolean all, Node array) implements Node {
        public PgType type() { return PgType.BOOL; }
    }

    private record ArrayOf(List<Node> elements, PgType type) implements Node {}

    // ------------------------------------------------------------------------------------------- parsing

    private final List<Token> t;
    private final int end;
    private final Function<String, ColumnType> columns;
    private int i;

    private PgCheckText(List<Token> tokens, int from, int to, Function<String, ColumnType> columns) {
        this.t = tokens;
        this.i = from;
        this.end = to;
        this.columns = columns;
    }

    /**
     * The constraint's text for the expression in tokens {@code from..to} (without the outer parentheses of
     * {@code CHECK (...)}), columns typed by {@code columns} (null for an unknown name); null when the expression
     * is not a form covered here.
     */
    static Text deparse(List<Token> tokens, int from, int to, Function<String, ColumnType> columns) {
        try {
            PgCheckText p = new PgCheckText(tokens, from, to, columns);
            Node n = p.or();
            if (p.i != to) {
                return null;
            }
            return new Text("CHECK (" + plain(n) + ")", "CHECK (" + pretty(n) + ")");
        } catch (RuntimeException e) {
            return null;
        }
    }

    private Token peek() {
        return i < end ? t.get(i) : null;
    }

    private boolean word(String w) {
        Token k = peek();
        return k != null && k.kind() == Token.Kind.IDENTIFIER && k.value().equals(w);
    }

    private boolean symbol(String s) {
        Token k = peek();
        return k != null && k.kind() != Token.Kind.STRING && k.kind() != Token.Kind.QUOTED_IDENTIFIER && k.text().equals(s);
    }

    private void expect(String s) {
        if (!symbol(s)) {
            throw new IllegalStateException("expected " + s);
        }
        i++;
    }

    private Node or() {
        List<Node> args = new ArrayList<>(List.of(and()));
        while (word("or")) {
            i++;
            args.add(and());
        }
        return args.size() == 1 ? args.get(0) : new Bool("OR", args);
    }

    private Node and() {
        List<Node> args = new ArrayList<>(List.of(not()));
        while (word("and")) {
            i++;
            args.add(not());
        }
        return args.size() == 1 ? args.get(0) : new Bool("AND", args);
    }

    private Node not() {
        if (word("not")) {
            i++;
            return new Not(not());
        }
        return predicate();
    }

    private Node predicate() {
        Node l = arith();
        if (peek() == null) {
            return l;
        }
        Token k = peek();
        if (k.kind() == Token.Kind.OPERATOR && COMPARISON.contains(k.text())) {
            i++;
            String op = k.text().equals("!=") ? "<>" : k.text();
            return binary(op, l, arith(), PgType.BOOL);
        }
        if (word("is")) {
            i++;
            boolean not = false;
            if (word("not")) {
                not = true;
                i++;
            }
            if (!word("null")) {
                throw new IllegalStateException("IS");
            }
            i++;
            return new NullTest(l, not);
        }
        boolean negated = false;
        if (word("not")) {
            negated = true;
            i++;
        }
        if (word("between")) {
            i++;
            Node lo = arith();
            if (!word("and")) {
                throw new IllegalStateException("BETWEEN");
            }
            i++;
            Node hi = arith();
            return negated ? new Bool("OR", List.of(binary("<", l, lo, PgType.BOOL), binary(">", l, hi, PgType.BOOL)))
                    : new Bool("AND", List.of(binary(">=", l, lo, PgType.BOOL), binary("<=", l, hi, PgType.BOOL)));
        }
        if (word("like") || word("ilike")) {
            String op = (word("like") ? "~~" : "~~*");
            i++;
            return binary(negated ? "!" + op : op, l, arith(), PgType.BOOL);
        }
        if (word("in")) {
            i++;
            expect("(");
            List<Node> items = new ArrayList<>();
            while (true) {
                items.add(arith());
                if (symbol(",")) {
                    i++;
                    continue;
                }
                break;
            }
            expect(")");
            return in(l, items, negated);
        }
        if (negated) {
            throw new IllegalStateException("NOT");
        }
        return l;
    }

    private Node arith() {
        Node l = term();
        while (symbol("+") || symbol("-") || symbol("||")) {
            String op = peek().text();
            i++;
            l = binary(op, l, term(), null);
        }
        return l;
    }

    private Node term() {
        Node l = factor();
        while (symbol("*") || symbol("/") || symbol("%")) {
            String op = peek().text();
            i++;
            l = binary(op, l, factor(), null);
        }
        return l;
    }

    private Node factor() {
        Token k = peek();
        if (k == null) {
            throw new IllegalStateException("end");
        }
        Node n;
        if (symbol("(")) {
            i++;
            n = or();
            expect(")");
        } else if (symbol("-") && i + 1 < end && t.get(i + 1).kind() == Token.Kind.NUMBER) {
            i += 2;
            n = number("-" + t.get(i - 1).text());
        } else if (k.kind() == Token.Kind.NUMBER) {
            i++;
            n = number(k.text());
        } else if (k.kind() == Token.Kind.STRING) {
            i++;
            n = new Const("'" + k.value().replace("'", "''") + "'", PgType.UNKNOWN, -1, false);
        } else if (word("true") || word("false")) {
            i++;
            n = new Const(k.value().toLowerCase(Locale.ROOT), PgType.BOOL, -1, false);
        } else if ((k.kind() == Token.Kind.IDENTIFIER || k.kind() == Token.Kind.QUOTED_IDENTIFIER) && i + 1 < end
                && t.get(i + 1).is("(")) {
            String name = k.value();
            PgType result = FUNCTIONS.get(name);
            if (result == null) {
                throw new IllegalStateException("function " + name);
            }
            i += 2;
            List<Node> args = new ArrayList<>();
            while (!symbol(")")) {
                if (!args.isEmpty()) {
                    expect(",");
                }
                args.add(textArgument(arith()));
            }
            i++;
            n = new Func(name, args, result);
        } else if (k.kind() == Token.Kind.IDENTIFIER || k.kind() == Token.Kind.QUOTED_IDENTIFIER) {
            ColumnType c = columns.apply(k.value());
            if (c == null || c.type().isArray()) {
                throw new IllegalStateException("column " + k.value());
            }
            i++;
            n = new Col(k.value(), c.type());
        } else {
            throw new IllegalStateException("operand");
        }
        while (symbol("::")) {
            i++;
            TypeNames.Parsed p = PgExprText.castType(t, i);
            i = p.next();
            n = cast(n, p.type().type(), p.type().typmod());
        }
        return n;
    }

    /** A text function's argument: varchar is relabelled to text, an unknown literal becomes text. */
    private static Node textArgument(Node n) {
        if (n.type() == PgType.VARCHAR || n.type() == PgType.BPCHAR && n instanceof Col) {
            return new Cast(n, PgType.TEXT);
        }
        if (n.type() == PgType.UNKNOWN) {
            return retype((Const) n, PgType.TEXT, -1);
        }
        return n;
    }

    private static Node number(String text) {
        PgType type = PgExprText.numberType(text);
        boolean bare = !text.startsWith("-") && (type == PgType.INT4 || (type == PgType.NUMERIC && !text.matches("-?\\d+")));
        return bare ? new Const(text, type, -1, false) : new Const("'" + text + "'", type, -1, true);
    }

    /** An explicit {@code ::type}: a literal becomes a constant of that type; anything else a cast. */
    private static Node cast(Node n, PgType type, int typmod) {
        if (n instanceof Const c && c.type() == PgType.UNKNOWN) {
            return retype(c, type, typmod);
        }
        if (n.type() == type) {
            return n;
        }
        return new Cast(n, type);
    }

    /** An unknown literal made a constant of {@code type}, printed as PostgreSQL prints such a constant. */
    private static Const retype(Const c, PgType type, int typmod) {
        String value = c.text().substring(1, c.text().length() - 1).replace("''", "'");
        switch (type.name()) {
            case "int4", "numeric": {
                Const n = (Const) number(value.trim());
                if (n.type() == type) {
                    return n;
                }
                return new Const("'" + value.trim() + "'", type, typmod, true);
            }
            case "int2", "int8", "float4", "float8":
                return new Const("'" + value.trim() + "'", type, typmod, true);
            case "bool":
                return new Const(Set.of("t", "true", "y", "yes", "on", "1").contains(value.trim().toLowerCase(Locale.ROOT))
                        ? "true" : "false", PgType.BOOL, -1, false);
            default:
                return new Const(c.text(), type, typmod, true);
        }
    }

    /** A binary operator with PostgreSQL's operand coercions. */
    private static Node binary(String op, Node l, Node r, PgType result) {
        boolean textual = op.equals("||") || op.contains("~");
        if (l.type() == PgType.UNKNOWN && r.type() == PgType.UNKNOWN) {
            l = retype((Const) l, PgType.TEXT, -1);
            r = retype((Const) r, PgType.TEXT, -1);
        } else if (l.type() == PgType.UNKNOWN) {
            l = retype((Const) l, literalTarget(r, textual), -1);
        } else if (r.type() == PgType.UNKNOWN) {
            r = retype((Const) r, literalTarget(l, textual), -1);
        }
        // varchar has text's operators (relabelled); bpchar has its own except for text ones
        if (l.type() == PgType.VARCHAR || textual && l.type() == PgType.BPCHAR) {
            l = new Cast(l, PgType.TEXT);
        }
        if (r.type() == PgType.VARCHAR || textual && r.type() == PgType.BPCHAR) {
            r = new Cast(r, PgType.TEXT);
        }
        PgType lt = l.type();
        PgType rt = r.type();
        if (numeric(lt) && numeric(rt) && lt != rt) {
            PgType wide = wider(lt, rt);
            boolean intsOnly = integer(lt) && integer(rt);
            if (!intsOnly) {
                if (lt != wide && !(lt == PgType.FLOAT4 && wide == PgType.FLOAT8)) {
                    l = coerce(l, wide);
                }
                if (rt != wide && !(rt == PgType.FLOAT4 && wide == PgType.FLOAT8)) {
                    r = coerce(r, wide);
                }
            }
            if (result == null) {
                result = wide;
            }
        } else if (lt != rt && !(textual && lt == PgType.TEXT && rt == PgType.TEXT)) {
            if (!(lt == PgType.TEXT && rt == PgType.TEXT)) {
                throw new IllegalStateException("types " + lt + " " + rt);
            }
        }
        if (result == null) {
            result = op.equals("||") ? PgType.TEXT : lt;
        }
        return new Op(op, l, r, result);
    }

    private static PgType literalTarget(Node other, boolean textual) {
        if (textual || other.type() == PgType.VARCHAR) {
            return PgType.TEXT;
        }
        return other.type();
    }

    /** A numeric operand converted to {@code type}: a non-negative integer constant as {@code (0)::numeric}. */
    private static Node coerce(Node n, PgType type) {
        return new Cast(n, type);
    }

    private static boolean integer(PgType t) {
        return t == PgType.INT2 || t == PgType.INT4 || t == PgType.INT8;
    }

    private static boolean numeric(PgType t) {
        return integer(t) || t == PgType.NUMERIC || t == PgType.FLOAT4 || t == PgType.FLOAT8;
    }

    private static PgType wider(PgType a, PgType b) {
        List<PgType> order = List.of(PgType.INT2, PgType.INT4, PgType.INT8, PgType.NUMERIC, PgType.FLOAT4, PgType.FLOAT8);
        // an integer or numeric meeting a float is compared as double precision (float48 operators)
        if ((a == PgType.FLOAT4 || a == PgType.FLOAT8) != (b == PgType.FLOAT4 || b == PgType.FLOAT8)) {
            return PgType.FLOAT8;
        }
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
    }

    /** {@code l [NOT] IN (items)}: {@code l = ANY (ARRAY[...])} or {@code l <> ALL (ARRAY[...])}. */
    private static Node in(Node l, List<Node> items, boolean negated) {
        PgType element = l.type();
        List<Node> elements = new ArrayList<>();
        for (Node item : items) {
            if (item.type() == PgType.UNKNOWN) {
                elements.add(retype((Const) item, element, -1));
            } else if (item.type() == element || integer(item.type()) && integer(element)) {
                elements.add(item);
            } else {
                throw new IllegalStateException("IN item");
            }
        }
        Node array = new ArrayOf(elements, element.arrayType());
        if (element == PgType.VARCHAR) {
            // varchar = ANY: both sides as text, the varchar array cast to text[]
            l = new Cast(l, PgType.TEXT);
            array = new Cast(array, PgType.TEXT_ARRAY);
        }
        return new AnyArray(l, negated ? "<>" : "=", negated, array);
    }

    // ------------------------------------------------------------------------------------------- printing

    private static String typeName(PgType type, int typmod) {
        return PgTypeNames.formatType(type.oid(), typmod);
    }

    private static String name(String column) {
        return PgIdentifiers.quote(column);
    }

    /** ruleutils' plain output: every operation parenthesised. */
    private static String plain(Node n) {
        if (n instanceof Col c) {
            return name(c.name());
        } else if (n instanceof Const c) {
            return c.label() ? c.text() + "::" + typeName(c.type(), c.typmod()) : c.text();
        } else if (n instanceof Cast c) {
            return "(" + plain(c.arg()) + ")::" + typeName(c.type(), -1);
        } else if (n instanceof Op o) {
            return "(" + plain(o.l()) + " " + o.op() + " " + plain(o.r()) + ")";
        } else if (n instanceof Bool b) {
            List<String> parts = new ArrayList<>();
            for (Node a : b.args()) {
                parts.add(plain(a));
            }
            return "(" + String.join(" " + b.op() + " ", parts) + ")";
        } else if (n instanceof Not x) {
            return "(NOT " + plain(x.arg()) + ")";
        } else if (n instanceof NullTest x) {
            return "(" + plain(x.arg()) + (x.not() ? " IS NOT NULL)" : " IS NULL)");
        } else if (n instanceof Func f) {
            List<String> parts = new ArrayList<>();
            for (Node a : f.args()) {
                parts.add(plain(a));
            }
            return f.name() + "(" + String.join(", ", parts) + ")";
        } else if (n instanceof AnyArray a) {
            return "(" + plain(a.l()) + " " + a.op() + (a.all() ? " ALL (" : " ANY (") + plain(a.array()) + "))";
        } else if (n instanceof ArrayOf a) {
            List<String> parts = new ArrayList<>();
            for (Node e : a.elements()) {
                parts.add(plain(e));
            }
            return "ARRAY[" + String.join(", ", parts) + "]";
        }
        throw new IllegalStateException();
    }

    /** ruleutils' pretty output: parentheses only where isSimpleNode says a child needs them. */
    private static String pretty(Node n) {
        if (n instanceof Col || n instanceof Const) {
            return plain(n);
        } else if (n instanceof Cast c) {
            return paren(c.arg(), c) + "::" + typeName(c.type(), -1);
        } else if (n instanceof Op o) {
            return paren(o.l(), o) + " " + o.op() + " " + paren(o.r(), o);
        } else if (n instanceof Bool b) {
            List<String> parts = new ArrayList<>();
            for (Node a : b.args()) {
                parts.add(paren(a, b));
            }
            return String.join(" " + b.op() + " ", parts);
        } else if (n instanceof Not x) {
            return "NOT " + paren(x.arg(), x);
        } else if (n instanceof NullTest x) {
            return paren(x.arg(), x) + (x.not() ? " IS NOT NULL" : " IS NULL");
        } else if (n instanceof Func f) {
            List<String> parts = new ArrayList<>();
            for (Node a : f.args()) {
                parts.add(pretty(a));
            }
            return f.name() + "(" + String.join(", ", parts) + ")";
        } else if (n instanceof AnyArray a) {
            return paren(a.l(), a) + " " + a.op() + (a.all() ? " ALL (" : " ANY (") + pretty(a.array()) + ")";
        } else if (n instanceof ArrayOf a) {
            List<String> parts = new ArrayList<>();
            for (Node e : a.elements()) {
                parts.add(pretty(e));
            }
            return "ARRAY[" + String.join(", ", parts) + "]";
        }
        throw new IllegalStateException();
    }

    private static String paren(Node child, Node parent) {
        String s = pretty(child);
        return simple(child, parent) ? s : "(" + s + ")";
    }

    /** ruleutils.c isSimpleNode with PRETTYFLAG_PAREN, for the nodes above. */
    private static boolean simple(Node node, Node parent) {
        if (node instanceof Col || node instanceof Const || node instanceof Func || node instanceof Cast || node instanceof ArrayOf) {
            return true;
        }
        if (node instanceof Op o && parent instanceof Op p) {
            boolean lo = o.op().equals("+") || o.op().equals("-");
            boolean hi = o.op().equals("*") || o.op().equals("/") || o.op().equals("%");
            boolean plo = p.op().equals("+") || p.op().equals("-");
            boolean phi = p.op().equals("*") || p.op().equals("/") || p.op().equals("%");
            if (!(lo || hi) || !(plo || phi)) {
                return false;
            }
            if (hi && plo) {
                return true;
            }
            if (lo && phi) {
                return false;
            }
            return p.l() == node;
        }
        if (node instanceof Bool b) {
            String parentOp = parent instanceof Bool pb ? pb.op() : parent instanceof Not ? "NOT" : null;
            if (parentOp == null) {
                return false;
            }
            return b.op().equals("AND") ? parentOp.equals("AND") || parentOp.equals("OR") : parentOp.equals("OR");
        }
        if (node instanceof Not) {
            return parent instanceof Bool;
        }
        if (node instanceof Op || node instanceof NullTest) {
            // under a boolean operator (AND/OR/NOT) or a function's own parentheses
            return parent instanceof Bool || parent instanceof Not || parent instanceof Func;
        }
        return false;
    }
}
