import Foundation

/// Tally's pipeline, one stage per function, each stage a folder of its own:
///
/// ```
///  .kpi file / REPL line / tally eval EXPR
///        │
///        ▼
///  Text/      Source: the text, byte offsets → line and column when printing
///        │
///        ▼
///  Syntax/    lex ─► parse            parse(_:)     → Expr, Statement (byte ranges for every name)
///        │
///        ▼
///  Check/     names, types, clauses   check(_:...)  → Node: every name resolved, every node typed
///        │                                            (reads schemas, never data)
///        ▼
///  Plan/      the checked tree at an  plan(_:asOf:) → Plan: what any engine runs
///             as-of instant
///        │
///        ▼
///  Execute/   an Engine               execute(_:on:) → MetricValue: one value, or one per group
///             (in-memory Executor: columnar loops over Data/'s typed columns)
///        │
///        ▼
///  Reports/   tables, JSON, CSV, JUnit, Markdown
///
///  Data/      CSV, TSV, JSON Lines (+gzip) ─► Dataset of typed columns
///  Time/      time text, zones, calendars      Session/  definitions in stages, the as-of, the engine
/// ```
///
/// `Session` runs the stages for an embedder: `Session.evaluate(_:)` is the whole pipeline
/// for one formula, `Session.define(_:formulas:)` the stages of definition files (see
/// `DefinitionPipeline.swift`). Each function here stops at its own stage.
public enum Pipeline {
  /// Lexes and parses one formula; throws every syntax error.
  public static func parse(_ source: Source) throws -> Expr {
    let (expr, diagnostics) = Parser.parseExpression(source)
    guard let expr, diagnostics.isEmpty else { throw TallyError(diagnostics) }
    return expr
  }

  /// Lexes and parses a whole source (a `.kpi` file): statements, with every syntax error.
  public static func parseStatements(_ source: Source) -> ParsedSource { Parser.parse(source) }

  /// Resolves a formula's names against a session's datasets and definitions and types it:
  /// the checked tree.
  public static func check(_ expr: Expr, in source: Source, against session: Session) throws -> Node {
    try check(expr, in: source, catalog: session.catalog, zone: session.zone)
  }

  /// Resolves a formula's names against a catalog and types it.
  @_spi(Stages) public static func check(_ expr: Expr, in source: Source, catalog: Catalog, zone: Zone) throws -> Node {
    try Checker.check(expr, in: source, catalog: catalog, zone: zone).get()
  }

  /// A checked formula bound to the instant it is evaluated as of.
  public static func plan(_ node: Node, asOf: Int64) -> Plan { Plan(root: node, asOf: asOf) }

  /// Runs a plan on an engine.
  public static func execute(_ plan: Plan, on engine: any Engine) throws -> MetricValue { try engine.execute(plan) }

  /// The whole pipeline over a session's data and definitions: parse, check, plan, execute.
  public static func evaluate(_ text: String, in session: Session) throws -> Evaluation { try session.evaluate(text) }
}
