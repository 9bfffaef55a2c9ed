import Foundation

/// A SQL engine that `tally sql` writes for: each spells types, instants, the session zone's
/// calendar and null-safe comparisons its own way.
public enum Dialect: String, Sendable, CaseIterable {
  case postgres, duckdb, spark, sqlite

  /// The type of a Tally column in this engine's tables (section 8).
  public func columnType(_ t: ValueType) -> String {
    switch (self, t) {
    case (.sqlite, .int), (.sqlite, .bool): return "INTEGER"
    case (.sqlite, .number), (.sqlite, .time), (.sqlite, .duration): return "REAL"
    case (.sqlite, _): return "TEXT"
    case (_, .int): return "BIGINT"
    case (.spark, .number), (.spark, .duration), (.duckdb, .number), (.duckdb, .duration): return "DOUBLE"
    case (_, .number), (_, .duration): return "DOUBLE PRECISION"
    case (_, .bool): return "BOOLEAN"
    case (.spark, .string): return "STRING"
    case (_, .string), (_, .null): return "TEXT"
    case (.postgres, .time): return "TIMESTAMPTZ"
    case (.duckdb, .time): return "TIMESTAMPTZ"
    case (.spark, .time): return "TIMESTAMP"
    }
  }

  /// The type that real division and averages compute in.
  var double: String {
    switch self {
    case .postgres: return "DOUBLE PRECISION"
    case .duckdb, .spark: return "DOUBLE"
    case .sqlite: return "REAL"
    }
  }

  /// A name as the engine reads it: quoted unless it is a plain lowercase word.
  func quote(_ name: String) -> String {
    let plain =
      name.first.map { $0 == "_" || ("a"..."z").contains($0) } == true
      && name.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    if plain && !Self.reserved.contains(name) { return name }
    if self == .spark { return "`" + name.replacingOccurrences(of: "`", with: "``") + "`" }
    return "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Words that some engine refuses as a bare name (a table, a column, an alias), so that they
  /// are quoted: PostgreSQL's reserved words and DuckDB's, the keywords SQLite refuses as a
  /// name, and Spark's reserved ones in ANSI mode (a column may well be called `order`, `at` or
  /// `index`). Quoting any other lowercase word changes nothing, so the list errs on the long side.
  static let reserved: Set<String> = [
    "add", "all", "alter", "analyse", "analyze", "and", "anti", "any", "array", "as", "asc", "asof", "asymmetric", "at",
    "authorization", "autoincrement", "between", "binary", "both", "by", "case", "cast", "check", "collate", "collation",
    "column", "commit", "concurrently", "constraint", "create", "cross", "current", "current_catalog", "current_date",
    "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "date", "default", "deferrable",
    "delete", "desc", "describe", "distinct", "do", "drop", "else", "end", "escape", "except", "exists", "false", "fetch",
    "filter", "for", "foreign", "freeze", "from", "full", "glob", "grant", "group", "having", "if", "ilike", "in", "index",
    "initially", "inner", "insert", "intersect", "interval", "into", "is", "isnull", "join", "lambda", "lateral", "leading",
    "left", "like", "limit", "localtime", "localtimestamp", "minus", "natural", "not", "nothing", "notnull", "null", "of",
    "offset", "on", "only", "or", "order", "outer", "overlaps", "pivot", "pivot_longer", "pivot_wider", "placing", "positional",
    "primary", "qualify", "raise", "references", "returning", "right", "select", "semi", "session_user", "set", "setminus",
    "show", "similar", "some", "summarize", "symmetric", "table", "tablesample", "then", "time", "timestamp", "to", "trailing",
    "transaction", "true", "union", "unique", "unknown", "unpack", "unpivot", "update", "user", "using", "values", "variadic",
    "verbose", "when", "where", "window", "with",
  ]

  /// A string literal.
  func string(_ s: String) -> String {
    if self == .spark {
      // Spark reads backslash escapes in string literals.
      return "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
    return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
  }

  /// A boolean literal.
  func bool(_ b: Bool) -> String {
    if self == .sqlite { return b ? "1" : "0" }
    return b ? "TRUE" : "FALSE"
  }

  /// An instant, written in the session zone for a reader.
  func instant(_ t: Int64, _ zone: Zone) -> String {
    let iso = zone.iso(t).replacingOccurrences(of: "T", with: " ")
    switch self {
    case .postgres, .duckdb: return "TIMESTAMPTZ '\(iso)'"
    case .spark: return "TIMESTAMP '\(iso)'"
    case .sqlite: return "\(SQLNumber.seconds(t)) /* \(zone.iso(t)) */"
    }
  }

  /// An instant's microseconds since the epoch, as an integer, whatever the engine's zone.
  func epochMicros(_ e: String) -> String {
    switch self {
    case .postgres: return "CAST(EXTRACT(EPOCH FROM \(e)) * 1000000 AS BIGINT)"
    case .duckdb: return "epoch_us(\(e))"
    case .spark: return "unix_micros(\(e))"
    case .sqlite: return "CAST(round(\(e) * 1000000) AS INTEGER)"
    }
  }

  /// `a - b` of two instants, in seconds.
  func secondsBetween(_ a: String, _ b: String) -> String {
    switch self {
    case .postgres: return "CAST(EXTRACT(EPOCH FROM (\(a) - \(b))) AS DOUBLE PRECISION)"
    case .duckdb: return "(epoch_us(\(a)) - epoch_us(\(b))) / 1000000.0"
    case .spark: return "CAST(unix_micros(\(a)) - unix_micros(\(b)) AS DOUBLE) / 1000000"
    case .sqlite: return "(\(a) - \(b))"
    }
  }

  /// An instant moved by a number of seconds.
  func plusSeconds(_ t: String, _ seconds: String) -> String {
    switch self {
    case .postgres: return "(\(t) + make_interval(secs => \(seconds)))"
    // In doubles: a literal's seconds times a million would overflow a 32-bit integer.
    case .duckdb: return "(\(t) + to_microseconds(CAST(round(CAST(\(seconds) AS DOUBLE) * 1000000) AS BIGINT)))"
    case .spark: return "timestamp_micros(unix_micros(\(t)) + CAST(round(CAST(\(seconds) AS DOUBLE) * 1000000) AS BIGINT))"
    case .sqlite: return "(\(t) + \(seconds))"
    }
  }

  /// Null-safe equality, for joining on keys that may be null.
  func sameKey(_ a: String, _ b: String) -> String {
    switch self {
    case .postgres, .duckdb: return "\(a) IS NOT DISTINCT FROM \(b)"
    case .spark: return "\(a) <=> \(b)"
    case .sqlite: return "\(a) IS \(b)"
    }
  }

  /// Strings compared by code point, whatever the database's collation.
  func byCodePoint(_ e: String) -> String { self == .postgres ? "\(e) COLLATE \"C\"" : e }
}

/// Numbers written so that every engine reads them exactly.
enum SQLNumber {
  /// A double as a literal of the same value.
  static func literal(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) + ".0" }
    return "\(x)"
  }

  /// Microseconds as seconds, without rounding.
  static func seconds(_ micros: Int64) -> String {
    let whole = micros / 1_000_000
    let frac = abs(micros % 1_000_000)
    if frac == 0 { return String(whole) }
    var f = String(frac)
    f = String(repeating: "0", count: 6 - f.count) + f
    while f.hasSuffix("0") { f.removeLast() }
    return (micros < 0 && whole == 0 ? "-" : "") + "\(whole).\(f)"
  }
}
