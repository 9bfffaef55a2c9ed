import Foundation

/// Definition files, in four stages that each report every error they find:
///
/// ```
/// parse all sources ─► resolve names against the data files' headers ─► load the data ─► check all
/// (syntax, names       (no data read: a typo fails at once,               (typed columns)   (types; the plans
///  defined twice)       even next to a big file)                                              evaluation reuses)
/// ```
///
/// A stage runs only when the one before it found nothing wrong, except that the first two
/// are reported together: a malformed statement and a misspelt column in the next one are
/// both shown at once.
extension Session {
  /// What parsing several sources as one namespace gives.
  struct ParsedDefinitions {
    /// The statements, with the directory their relative paths are read from.
    var statements: [(Statement, String?)] = []
    /// Syntax errors, names defined twice, formulas alone in a definition file.
    var diagnostics: [Diagnostic] = []
    /// The names that malformed statements meant to define, with their keyword.
    var unparsed: [String: String] = [:]
  }

  /// Adds the definitions of several sources as one namespace, all or nothing. With
  /// `formulas: false` (definition files), a bare formula is an error: it would do nothing.
  @discardableResult
  public func define(_ sources: [(source: Source, baseDirectory: String?)], formulas: Bool = true) throws -> [Statement] {
    try define(parsed: sources.map { (Parser.parse($0.source), $0.baseDirectory) }, formulas: formulas)
  }

  /// Adds the definitions of sources already parsed (`Pipeline.parseStatements`), as one
  /// namespace, all or nothing.
  @discardableResult
  public func define(parsed sources: [(ParsedSource, String?)], formulas: Bool = true) throws -> [Statement] {
    try LargeStack.run { try self.defineHere(sources, formulas: formulas) }
  }

  private func defineHere(_ sources: [(ParsedSource, String?)], formulas: Bool) throws -> [Statement] {
    let parsed = collect(sources, formulas: formulas)
    var diagnostics = parsed.diagnostics
    // A name whose definition did not parse is reported there, not at every use.
    let known = Set(diagnostics.map(\.key))
    diagnostics += DiagnosticFilter.withoutUses(of: Set(parsed.unparsed.keys), resolveNames(parsed)).filter { !known.contains($0.key) }
    if !diagnostics.isEmpty { throw TallyError(diagnostics) }
    if readsOnlyNamedColumns, !allowsRedefinition {
      let later = formulasToCome.enumerated().map { Source(name: "formula \($0.offset + 1)", text: $0.element) }
      columnsNamed = Self.names(in: parsed.statements.map(\.0.source) + later)
    }
    defer { columnsNamed = nil }
    try defineChecked(parsed.statements)  // load, then check
    var next = state.sourceOrder
    var seen = Set(next)
    for (p, _) in sources where seen.insert(p.source.name).inserted { next.append(p.source.name) }
    state.sourceOrder = next
    return parsed.statements.map(\.0)
  }

  /// Every name and string the sources write (a column is read by one of them, bare,
  /// backquoted, or as a `time` clause's name): more than the columns formulas read, never less.
  static func names(in sources: [Source]) -> Set<String> {
    var out = Set<String>()
    var seen = Set<String>()
    for source in sources where seen.insert(source.name + "\u{0}" + source.text).inserted {
      for token in Lexer.lex(source).tokens {
        switch token.kind {
        case .identifier(let s), .quotedIdentifier(let s), .string(let s): out.insert(s)
        default: break
        }
      }
    }
    return out
  }

  /// Stage 1: every source parsed, and the names they define twice (or that the session
  /// already has, outside the REPL).
  func collect(_ sources: [(ParsedSource, String?)], formulas: Bool) -> ParsedDefinitions {
    var out = ParsedDefinitions()
    for (parsed, base) in sources {
      out.diagnostics += parsed.diagnostics
      out.statements += parsed.statements.map { ($0, base) }
      out.unparsed.merge(parsed.unparsedNames) { a, _ in a }
    }
    if !formulas {
      for (st, _) in out.statements {
        if case .expr = st.kind { out.diagnostics.append(.error(SessionMessage.bareFormulaInFile, st.source, st.range)) }
      }
    }
    // Within the sources a name is defined once; outside them only the REPL may redefine.
    var seen: [String: DefinitionSite] = allowsRedefinition ? [:] : state.sites
    for (st, _) in out.statements {
      guard let name = st.definedName else { continue }
      let site = DefinitionSite(source: st.source, range: st.nameRange)
      if let first = seen[name] {
        out.diagnostics.append(Definitions.duplicate(name, at: site, first: first))
      } else {
        seen[name] = site
      }
    }
    return out
  }

  /// Stage 2: the statements declared and checked over the data files' headers, on a copy
  /// of the session's state: names, and the types the first megabyte of each file settles.
  /// Left out where a header cannot tell (JSON Lines, a malformed `dataset` statement whose
  /// columns are unknown) and in the REPL, which loads as it goes.
  func resolveNames(_ parsed: ParsedDefinitions) -> [Diagnostic] {
    let jsonLines = parsed.statements.contains { st, _ in
      if case .dataset(let d) = st.kind {
        return [".jsonl", ".ndjson", ".json"].contains { d.path.lowercased().replacingOccurrences(of: ".gz", with: "").hasSuffix($0) }
      }
      return false
    }
    guard !allowsRedefinition, !jsonLines, !state.catalog.datasets.values.contains(where: \.open),
      !parsed.unparsed.values.contains("dataset")
    else { return [] }
    var settings = self.settings
    settings.cache = nil
    var headers = Definitions(state: state, settings: settings, reading: .headers)
    defer { statistics.formulasResolved += headers.formulasChecked }
    do {
      try headers.add(parsed.statements)
      return []
    } catch let e as TallyError {
      return e.diagnostics
    } catch {
      return []
    }
  }
}
