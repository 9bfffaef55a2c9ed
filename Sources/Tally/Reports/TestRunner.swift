import Foundation

/// One `test` statement's outcome.
public struct TestResult: Sendable {
  /// The test's name, as quoted after `test`.
  public var name: String
  /// The name of the source it was written in (a file path).
  public var file: String
  /// The 1-based line of its `test` keyword.
  public var line: Int
  /// What went wrong, one entry per failed `expect` (empty when it passed).
  public var failures: [String]
  /// Definition or data errors that kept the test from running.
  public var error: TallyError?
  /// True when every `expect` held and nothing kept the test from running.
  public var passed: Bool { failures.isEmpty && error == nil }
}

/// Runs `test` statements: each in a fresh session over the same definitions, with its
/// fixture files in place of the datasets it names and its own as-of.
public enum TestRunner {
  /// Runs every test in the sources (parsed as one namespace).
  /// `asOf` is the as-of of tests without an `at`.
  public static func run(
    _ sources: [(source: Source, baseDirectory: String?)], zone: Zone, asOf: Instant? = nil, cache: DatasetCache = DatasetCache(),
    root: String? = nil
  ) -> [TestResult] {
    run(parsed: sources.map { (Parser.parse($0.source), $0.baseDirectory) }, zone: zone, asOf: asOf, cache: cache, root: root)
  }

  /// Runs every test in sources already parsed (`Pipeline.parseStatements`), as one namespace.
  public static func run(
    parsed sources: [(ParsedSource, String?)], zone: Zone, asOf: Instant? = nil, cache: DatasetCache = DatasetCache(), root: String? = nil
  ) -> [TestResult] {
    let declared = sources.flatMap { $0.0.statements }.compactMap { s -> String? in
      if case .dataset(let d) = s.kind { return d.name }
      return nil
    }
    var results: [TestResult] = []
    for (parsed, base) in sources {
      for st in parsed.statements {
        guard case .test(let t) = st.kind else { continue }
        results.append(run(t, st, sources: sources, declared: declared, base: base, zone: zone, asOf: asOf, cache: cache, root: root))
      }
    }
    return results
  }

  static func run(
    _ t: TestDecl, _ st: Statement, sources: [(ParsedSource, String?)], declared: [String], base: String?, zone: Zone, asOf: Instant?,
    cache: DatasetCache, root: String?
  ) -> TestResult {
    var result = TestResult(name: t.name, file: st.source.name, line: st.line, failures: [], error: nil)
    let session = Session(zone: zone)
    session.cache = cache
    session.root = root
    for f in t.fixtures { session.datasetOverrides[f.dataset] = PathSafety.resolve(f.path, relativeTo: base) }
    session.asOf = t.at.flatMap(Instant.init) ?? asOf
    do {
      // A fixture is checked where the test names it: the dataset it replaces, its file.
      var problems: [Diagnostic] = []
      for f in t.fixtures {
        if !declared.contains(f.dataset) {
          problems.append(
            .error(SessionMessage.fixtureForNoDataset(f.dataset), st.source, f.range, notes: suggestion(f.dataset, in: declared)))
        } else if let root, let path = session.datasetOverrides[f.dataset], !PathSafety.isInside(path, root: root) {
          problems.append(
            .error(
              SessionMessage.outsideRoot(f.path, root: root), st.source, f.range,
              notes: ["keep fixtures inside the root, or run without --root"]))
        } else if let path = session.datasetOverrides[f.dataset], FileManager.default.fileExists(atPath: path),
          DataLoader.fileKind(path) != .regular
        {
          problems.append(.error(DataMessage.unreadable(f.path, why: "it is not a regular file"), st.source, f.range))
        } else if let path = session.datasetOverrides[f.dataset], !FileManager.default.fileExists(atPath: path) {
          let dir = Paths.directory(of: path)
          let siblings = (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
          problems.append(
            .error(DataMessage.fileNotFound(path), st.source, f.range, notes: suggestion(Paths.lastComponent(of: path), in: siblings)))
        }
      }
      if !problems.isEmpty { throw TallyError(problems) }
      try session.define(parsed: sources, formulas: false)
      for x in t.expectations {
        let formula = st.source.slice(x.actual.range.start..<x.actual.range.end)
        let actual = try session.evaluate(x.actual, in: st.source)
        guard case .scalar(let a) = actual.value else {
          result.failures.append("expect \(formula): the value is grouped; compare one group, or drop 'by'")
          continue
        }
        let zoneRef = session.zone
        // Values as the metric shows them (`50.00%`), and the metric's formula, so that a
        // failure says what was computed.
        func show(_ v: Value) -> String { Render.display(v, format: actual.format, zone: zoneRef) }
        var definition = ""
        if case .name(let n) = x.actual.kind, let d = session.catalog.values[n] {
          definition = " (\(n) = \(d.source.slice(d.expr.range.start..<d.expr.range.end)))"
        }
        guard let expectedExpr = x.expected else {
          if a != .bool(true) { result.failures.append("expect \(formula): expected true, got \(show(a))\(definition)") }
          continue
        }
        let e = try session.scalarValue(expectedExpr, in: st.source)
        let text = st.source.slice(expectedExpr.range.start..<expectedExpr.range.end)
        if let tolExpr = x.tolerance {
          let tol = try session.scalarValue(tolExpr, in: st.source)
          if !within(a, e, tol) {
            result.failures.append(
              "expect \(formula) = \(text) within \(st.source.slice(tolExpr.range.start..<tolExpr.range.end)): got \(show(a)), expected \(show(e))\(definition)"
            )
          }
        } else if !equal(a, e) {
          result.failures.append("expect \(formula) = \(text): got \(show(a)), expected \(show(e))\(definition)")
        }
      }
    } catch let e as TallyError {
      result.error = e
    } catch {
      result.error = TallyError(Diagnostic(.error, SessionMessage.unexpected("\(error)")))
    }
    return result
  }

  static func magnitude(_ v: Value) -> Double? {
    switch v {
    case .int, .number: return v.double
    case .duration(let d), .time(let d): return Double(d)
    default: return nil
    }
  }

  static func equal(_ a: Value, _ e: Value) -> Bool {
    if a.isNull || e.isNull { return a.isNull && e.isNull }
    if let x = a.double, let y = e.double { return abs(x - y) <= 1e-9 * max(1, abs(y)) }
    if case .bool(true) = (try? Ops.binary(.eq, a, e)) ?? .null { return true }
    return false
  }

  static func within(_ a: Value, _ e: Value, _ tol: Value) -> Bool {
    guard let x = magnitude(a), let y = magnitude(e), let t = magnitude(tol) else { return equal(a, e) }
    return abs(x - y) <= abs(t) + 1e-9 * max(1, abs(y))
  }
}
