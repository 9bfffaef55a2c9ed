import XCTest

@_spi(Stages) @testable import Tally

/// The golden corpus of the parser: `Golden/parser/NAME.kpi` beside `NAME.expected`, the
/// statement dump (trees with byte positions) and the rendered diagnostics. Re-record with
/// `RECORD_GOLDEN=1 swift test --filter ParserGoldenTests`, then review every changed file by eye.
final class ParserGoldenTests: XCTestCase {
  /// What the parser made of a source: one block per statement, then the diagnostics.
  static func dump(_ parsed: ParsedSource) -> String {
    var out = ""
    for st in parsed.statements {
      out += "line \(st.line): " + dump(st.kind) + "\n"
    }
    if parsed.diagnostics.isEmpty {
      out += "-- no diagnostics\n"
    } else {
      out += "-- diagnostics\n"
      out += TallyError(parsed.diagnostics).diagnostics.map { $0.rendered() }.joined()
    }
    return out
  }

  static func dump(_ kind: StatementKind) -> String {
    switch kind {
    case .dataset(let d):
      return "dataset \(d.name) from \(d.path.debugDescription)" + (d.time.map { " time \($0)" } ?? "")
    case .link(let l):
      return "link \(l.from).\(l.column) -> \(l.to).\(l.key) as \(l.name)"
    case .view(let v):
      return "view \(v.name) = \(v.base)" + (v.filter.map { " where \($0.dump())" } ?? "") + (v.time.map { " time \($0)" } ?? "")
    case .value(let name, let e):
      return "let \(name) = \(e.dump())"
    case .metric(let m):
      var s = "metric \(m.name) = \(m.expr.dump())"
      if let d = m.description { s += "\n  description \(d.debugDescription)" }
      if let f = m.format { s += "\n  format \(f.rawValue)" }
      if let t = m.target { s += "\n  target \(t.op.rawValue) \(t.value.dump())" }
      if let w = m.warn { s += "\n  warn \(w.op.rawValue) \(w.value.dump())" }
      return s
    case .assert(let e):
      return "assert \(e.dump())"
    case .test(let t):
      var s = "test \(t.name.debugDescription)"
      for f in t.fixtures { s += "\n  with \(f.dataset) from \(f.path.debugDescription)" }
      if let at = t.at { s += "\n  at @\(at)" }
      for x in t.expectations {
        s += "\n  expect \(x.actual.dump())"
        if let e = x.expected { s += " = \(e.dump())" }
        if let tol = x.tolerance { s += " within \(tol.dump())" }
      }
      return s
    case .expr(let e):
      return "expr \(e.dump())"
    }
  }

  func testGoldenCorpus() throws {
    try GoldenCorpus.check("parser", atLeast: 12) { name, url in
      Self.dump(Parser.parse(Source(name: name, text: try String(contentsOf: url, encoding: .utf8))))
    }
  }

  /// A few precedence facts stated directly, so that a wrong golden file cannot hide them.
  func testPrecedenceTable() {
    let cases: [(String, String)] = [
      ("a or b and c", "(or a@0-1 (and b@5-6 c@11-12)@5-12)@0-12"),
      ("not a = b", "(not (= a@4-5 b@8-9)@4-9)@0-9"),
      ("a = b + c * d", "(= a@0-1 (+ b@4-5 (* c@8-9 d@12-13)@8-13)@4-13)@0-13"),
      ("-a * b", "(* (- a@1-2)@0-2 b@5-6)@0-6"),
      ("-o.x", "(- o.x@1-4)@0-4"),
      ("1 - 2 - 3", "(- (- 1@0-1 2@4-5)@0-5 3@8-9)@0-9"),
      ("a / b * c", "(* (/ a@0-1 b@4-5)@0-5 c@8-9)@0-9"),
      ("not a and b", "(and (not a@4-5)@0-5 b@10-11)@0-11"),
      ("a + 1 is null", "(is null (+ a@0-1 1@4-5)@0-5)@0-13"),
      ("not x in (1)", "(not (in x@4-5 [1@10-11])@4-12)@0-12"),
      ("count(o) over 7d / 2", "ERROR"),
      ("a or b over 3d", "(over 3d (or a@0-1 b@5-6)@0-6)@0-14"),
    ]
    for (text, want) in cases {
      let (e, diags) = Parser.parseExpression(Source(name: "<expr>", text: text))
      XCTAssertEqual(e.map { $0.dump() } ?? "ERROR", want, "tree of \(text); \(diags.map(\.message))")
    }
  }
}
