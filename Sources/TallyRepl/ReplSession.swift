import Foundation
import Tally

/// What one line of input produced: text for stdout, text for stderr, and whether it failed.
public struct ReplOutput: Equatable, Sendable {
  /// Which stream a piece of output goes to.
  public enum Stream: Equatable, Sendable {
    case stdout, stderr
  }

  /// Results and acknowledgements.
  public private(set) var stdout = ""
  /// Diagnostics.
  public private(set) var stderr = ""
  /// Everything, in the order it was produced: write these one after another so that
  /// stdout and stderr sent to one file interleave as the statements ran.
  public private(set) var chunks: [(stream: Stream, text: String)] = []
  /// True when a statement or command failed (`tally repl < script` then exits with 1).
  public var failed = false

  /// Creates an empty output.
  public init() {}

  /// Everything, stdout first.
  public var text: String { stdout + stderr }

  mutating func print(_ s: String) {
    append(.stdout, s.hasSuffix("\n") || s.isEmpty ? s : s + "\n")
  }

  mutating func error(_ s: String) {
    append(.stderr, s.hasSuffix("\n") || s.isEmpty ? s : s + "\n")
    failed = true
  }

  private mutating func append(_ stream: Stream, _ s: String) {
    guard !s.isEmpty else { return }
    if stream == .stdout { stdout += s } else { stderr += s }
    if let last = chunks.last, last.stream == stream {
      chunks[chunks.count - 1].text += s
    } else {
      chunks.append((stream, s))
    }
  }

  /// The output with each error that names no place said to be at `place` (`<stdin>:3`).
  func locatingErrors(at place: String) -> ReplOutput {
    var out = ReplOutput()
    for c in chunks {
      if c.stream == .stderr, !c.text.contains("error: ") {
        out.append(.stderr, "\(place): error: " + c.text)
      } else {
        out.append(c.stream, c.text)
      }
    }
    out.failed = failed
    return out
  }

  static func += (a: inout ReplOutput, b: ReplOutput) {
    for c in b.chunks { a.append(c.stream, c.text) }
    a.failed = a.failed || b.failed
  }

  public static func == (a: ReplOutput, b: ReplOutput) -> Bool {
    a.failed == b.failed && a.chunks.count == b.chunks.count && zip(a.chunks, b.chunks).allSatisfy { $0 == $1 }
  }
}

/// How results are printed (`:format`).
public enum OutputFormat: String, CaseIterable, Sendable {
  case table, json, csv
}

/// The REPL's session logic: lines in, text out. It knows nothing of terminals.
///
/// The pipeline for one line, in `feed`:
/// meta command (`:load`, `:schema`, ...) → or gather lines until the statement is complete
/// (open brackets, a trailing operator, an indented continuation line) → parse → define or
/// evaluate each statement → render the result, or the errors with a caret under what was typed.
///
/// ```swift
/// let repl = ReplSession(session: Session(zone: .utc))
/// print(repl.feed(":load orders.csv").text)
/// print(repl.feed("count(orders) by day").text)
/// ```
public final class ReplSession {
  /// The underlying Tally session.
  public let session: Session
  /// How results are printed.
  public var format: OutputFormat = .table
  /// Whether to print how long each statement took.
  public var timing = false
  /// True when a person types at a prompt: a caret then points into the line just typed,
  /// and a definition may be continued by an indented line typed after it.
  public var interactive: Bool
  /// Whether diagnostics use ANSI colours.
  public var color: Bool
  /// The name diagnostics give the input: `<repl>` at a prompt, `<stdin>` for a script.
  public var sourceName: String
  /// Relative paths (`:load`, `dataset ... from`) are read from here.
  public var baseDirectory: String
  /// The session time zone as the user named it (`:tz`).
  public var zoneName: String
  /// The width of charts' bars and sparklines, in terminal columns: the widest they get.
  public var chartWidth = 40
  /// The terminal's width now, asked at each chart so that charts follow a resized window;
  /// nil (or a nil answer) when output goes to no terminal. Lines are fitted into it.
  public var terminalWidth: (() -> Int?)?
  /// The most rows a table shows at a terminal (the first and last half); nil shows all, as
  /// in a script. `:format csv` shows all.
  public var maxTableRows: Int?
  /// Set by `:quit`.
  public internal(set) var quitRequested = false
  /// How many lines failed so far.
  public internal(set) var failureCount = 0

  /// The prompt of a new statement.
  public static let primaryPrompt = "tally> "
  /// The prompt of a continuation line.
  public static let continuationPrompt = "  ...> "

  /// Lines of a statement that is not complete yet.
  var pending = InputBuffer()
  /// A complete statement that an indented line may still continue: in a script, not yet
  /// run (it runs when the next line is not indented); at a prompt, a definition already run.
  var held: InputBuffer?
  /// At a prompt, the definition an indented line is amending.
  var amendBase: InputBuffer?
  /// `##` lines waiting for the `metric` they describe.
  var docs: [InputLine] = []
  var lineNumber = 0
  /// The input line each defining statement's text starts on, by its text.
  var statementLines: [String: Int] = [:]
  /// The statement that last defined each name, to put it back when a redefinition fails.
  var definitions: [String: (statement: Statement, baseDirectory: String?)] = [:]

  /// Creates a REPL session. Defining a name again replaces it.
  public init(session: Session = Session(), interactive: Bool = false, color: Bool = false, baseDirectory: String? = nil) {
    self.session = session
    self.maxTableRows = interactive ? 40 : nil
    self.interactive = interactive
    self.color = color
    self.sourceName = interactive ? "<repl>" : "<stdin>"
    self.baseDirectory = baseDirectory ?? FileManager.default.currentDirectoryPath
    let id = session.zone.timeZone.identifier
    self.zoneName = id == "GMT" ? "UTC" : id
    session.allowsRedefinition = true
  }

  /// The prompt for the next line.
  public var prompt: String { isContinuing ? Self.continuationPrompt : Self.primaryPrompt }

  /// True while a statement waits for more lines (open brackets, a trailing operator).
  public var isContinuing: Bool { !pending.isEmpty }

  // MARK: The pipeline

  /// Takes one line of input and returns what it printed.
  public func feed(_ line: String) -> ReplOutput {
    lineNumber += 1
    let out = process(line)
    if out.failed { failureCount += 1 }
    return out
  }

  /// The end of input: runs what is still waiting (an unclosed bracket is then reported).
  public func finish() -> ReplOutput {
    var out = flushHeld()
    if !pending.isEmpty {
      let b = pending
      pending = InputBuffer()
      out += run(b, amending: false)
    }
    if out.failed { failureCount += 1 }
    return out
  }

  /// Drops the statement being typed (Ctrl-C).
  public func cancel() {
    pending = InputBuffer()
    amendBase = nil
    docs = []
  }

  private func process(_ line: String) -> ReplOutput {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if MetaCommand.isCommand(trimmed) {
      var out = flushHeld()
      // In a script, a command's error says which line it is on, as a statement's does.
      out += interactive ? command(trimmed) : command(trimmed).locatingErrors(at: "\(sourceName):\(lineNumber)")
      return out
    }
    let here = InputLine(text: line, number: lineNumber)
    // A statement waiting for more lines takes this one.
    if !pending.isEmpty {
      pending.append(here)
      return complete()
    }
    // An indented line continues the statement before it (metric clauses, `where` of a view).
    if line.first?.isWhitespace == true, !trimmed.isEmpty, trimmed.hasPrefix("#"), held != nil {
      if !interactive { held?.append(here) }  // a comment among a script's clauses
      return ReplOutput()
    }
    if line.first?.isWhitespace == true, !trimmed.isEmpty, var h = held {
      held = nil
      amendBase = interactive ? h : nil
      h.append(here)
      pending = h
      return complete(amending: interactive)
    }
    var out = flushHeld()
    if trimmed.isEmpty { return out }
    if trimmed.hasPrefix("##") {
      docs.append(here)
      return out
    }
    if trimmed.hasPrefix("#") { return out }
    if trimmed.split(separator: " ", maxSplits: 1).first == "metric", !docs.isEmpty {
      // `##` lines right above a metric describe it.
      pending.lines = docs + [here]
      pending.text = pending.lines.map(\.text).joined(separator: "\n")
    } else {
      pending.append(here)
    }
    docs = []
    out += complete()
    return out
  }

  /// Runs the pending statement if it is complete; in a script it is held until the next line
  /// shows whether an indented continuation follows.
  private func complete(amending: Bool = false) -> ReplOutput {
    guard !Continuation.needsMore(pending.text) else {
      pending.amending = pending.amending || amending
      return ReplOutput()
    }
    let b = pending
    pending = InputBuffer()
    if !interactive {
      held = b
      return ReplOutput()
    }
    let (out, definition) = runTracking(b, amending: amending || b.amending)
    // A failed amendment leaves the definition as it was, still open to clauses.
    held = definition ? b : out.failed ? amendBase : nil
    amendBase = nil
    return out
  }

  private func flushHeld() -> ReplOutput {
    guard let h = held else { return ReplOutput() }
    held = nil
    if interactive { return ReplOutput() }
    return run(h, amending: false)
  }

  func run(_ buffer: InputBuffer, amending: Bool) -> ReplOutput { runTracking(buffer, amending: amending).0 }

  /// Parses a complete statement and runs it. Returns the output and whether it defined a name.
  private func runTracking(_ buffer: InputBuffer, amending: Bool) -> (ReplOutput, Bool) {
    var out = ReplOutput()
    let source = Source(name: sourceName, text: buffer.text)
    let parsed = Parser.parse(source)
    guard parsed.diagnostics.isEmpty else {
      out.error(render(parsed.diagnostics, buffer))
      return (out, false)
    }
    var defined = false
    for st in parsed.statements {
      let started = DispatchTime.now()
      do {
        out.print(try execute(st, amending: amending))
        defined = defined || st.definedName != nil
        if timing { out.print("Time: \(milliseconds(since: started))") }
      } catch let e as TallyError {
        out.error(render(e.diagnostics, buffer))
      } catch let e as ReplFailure {
        out.print(e.output)
        out.failed = true
      } catch {
        out.error("error: \(error)")
      }
    }
    // A diagnostic may point into it later (a replaced dataset that breaks a view).
    if defined { statementLines[buffer.text] = buffer.firstLine }
    return (out, defined && !out.failed)
  }

  /// One statement: bare formulas and asserts are evaluated, everything else defines a name.
  private func execute(_ st: Statement, amending: Bool) throws -> String {
    switch st.kind {
    case .expr(let e):
      let ev = try session.evaluate(e, in: st.source)
      return render(ev, grain: timeGrain(of: e))
    case .assert(let e):
      let problems = session.validate([st])
      if !problems.isEmpty { throw TallyError(problems) }
      let ev = try session.evaluate(e, in: st.source)
      if case .scalar(.bool(true)) = ev.value { return "assert passed" }
      let shown = Render.table(ev, zone: session.zone).trimmingCharacters(in: .newlines)
      throw ReplFailure(output: "assert failed: \(st.source.slice(e.range.start..<e.range.end)) is \(shown)")
    case .dataset(let name, _, _):
      let verb = amending ? "updated" : session.isDefined(name) ? "replaced" : "loaded"
      let started = DispatchTime.now()
      // All or nothing: a new file for a dataset that breaks what is defined on it is refused.
      try session.defineChecked([(st, baseDirectory)])
      definitions[name] = (st, baseDirectory)
      return "\(verb) dataset " + datasetSummary(name, elapsed: started)
    case .view, .value, .metric:
      return try define(st, amending: amending)
    case .test:
      try session.define(st, baseDirectory: baseDirectory)
      return "defined a test; run it with 'tally test'"
    }
  }

  /// Defines a `let` or `metric`; a broken definition never replaces a working one.
  private func define(_ st: Statement, amending: Bool) throws -> String {
    guard let name = st.definedName else { return "" }
    let replacing = session.isDefined(name)
    try session.defineChecked([(st, baseDirectory)])
    definitions[name] = (st, baseDirectory)
    let verb = amending ? "updated" : replacing ? "replaced" : "defined"
    if session.catalog.views[name] != nil { return "\(verb) view '\(name)'" }
    let kind = session.catalog.values[name]?.metric != nil ? "metric" : "value"
    var line = "\(verb) \(kind) '\(name)'"
    if let ev = try? session.evaluate(Expr(.name(name), st.nameRange), in: st.source) {
      switch ev.value {
      case .scalar(let v):
        line += " = " + Render.display(v, format: ev.format, zone: session.zone)
        if let m = session.catalog.values[name]?.metric, m.target != nil {
          line += " (\(metricStatus(ev.value, m, st.source).rawValue))"
        }
      case .grouped(let g):
        line += " (\(g.values.count) group\(g.values.count == 1 ? "" : "s") by \(g.keyNames.joined(separator: ", "))"
        if let m = session.catalog.values[name]?.metric, m.target != nil { line += ", \(metricStatus(ev.value, m, st.source).rawValue)" }
        line += ")"
      }
    }
    return line
  }

  // MARK: Rendering

  /// A result in the chosen format; a table grouped by a time grain gets a chart below it
  /// (the grain of the formula, or of the result: one key named `day`, `week`, ...).
  /// A table shows its first and last `maxTableRows / 2` rows; csv and json show all.
  func render(_ ev: Evaluation, grain formulaGrain: Period?) -> String {
    switch format {
    case .json: return Render.json(ev, zone: session.zone) + "\n"
    case .csv: return Render.csv(ev, zone: session.zone)
    case .table:
      var out = Render.table(ev, zone: session.zone, maxRows: maxTableRows)
      var grain = formulaGrain
      if grain == nil, case .grouped(let g) = ev.value, g.keyNames.count == 1 { grain = Period(rawValue: g.keyNames[0]) }
      if let grain, case .grouped(let g) = ev.value,
        let chart = Chart.render(
          g, grain: grain, format: ev.format, zone: session.zone, width: chartWidth, columns: terminalWidth?())
      {
        out += "\n" + chart
      }
      return out
    }
  }

  /// The time grain of a formula grouped `by hour|day|week|month` alone, looking through
  /// clauses and named values.
  func timeGrain(of e: Expr, depth: Int = 0) -> Period? {
    guard depth < 16 else { return nil }
    switch e.kind {
    case .by(_, let keys):
      if keys.count == 1, case .grain(let p) = keys[0] { return p }
      return nil
    case .over(let inner, _), .offset(let inner, _), .at(let inner, _): return timeGrain(of: inner, depth: depth + 1)
    case .name(let n):
      guard let v = session.catalog.values[n] else { return nil }
      return timeGrain(of: v.expr, depth: depth + 1)
    default: return nil
    }
  }

  /// Diagnostics for what was just typed. At a prompt, a caret under the typed line
  /// (it is right above); in a script, `<stdin>:LINE:COL: error: ...` with the line and a caret.
  func render(_ diagnostics: [Diagnostic], _ buffer: InputBuffer) -> String {
    let red = color ? "\u{1B}[1;31m" : ""
    let green = color ? "\u{1B}[1;32m" : ""
    let bold = color ? "\u{1B}[1m" : ""
    let reset = color ? "\u{1B}[0m" : ""
    var out = ""
    for d in diagnostics {
      guard case .source(let src, let range) = d.location, src.name == sourceName, src.text == buffer.text else {
        out += rendered(d)
        continue
      }
      let (l, c) = src.location(of: range.start)
      let (el, ec) = src.location(of: range.end)
      let index = l - 1
      let typed = buffer.lines.indices.contains(index) ? buffer.lines[index] : InputLine(text: src.lineText(l), number: l)
      let column = max(1, c - typed.shift)
      let lead = String(typed.text.prefix(column - 1))
      let culprit = el == l ? String(typed.text.dropFirst(column - 1).prefix(max(1, ec - c))) : String(typed.text.dropFirst(column - 1))
      let caret = "^" + String(repeating: "~", count: max(0, Render.displayWidth(culprit) - 1))
      let pad = lead.map { $0 == "\t" ? "\t" : String(repeating: " ", count: Render.displayWidth(String($0))) }.joined()
      let severity = d.severity == .error ? "\(red)error\(reset)" : d.severity.rawValue
      if interactive && index == buffer.lines.count - 1 {
        out += String(repeating: " ", count: Self.primaryPrompt.count) + pad + green + caret + reset + "\n"
        out += "\(severity): \(bold)\(d.message)\(reset)\n"
      } else {
        let gutter = String(typed.number)
        let blank = String(repeating: " ", count: gutter.count)
        if interactive {
          out += "\(severity): \(bold)\(d.message)\(reset)\n"
        } else {
          out += "\(bold)\(sourceName):\(typed.number):\(column):\(reset) \(severity): \(bold)\(d.message)\(reset)\n"
        }
        out += "\(gutter) | \(typed.text)\n\(blank) | \(pad)\(green)\(caret)\(reset)\n"
      }
      for n in d.notes { out += "note: \(n)\n" }
    }
    return out
  }

  /// A diagnostic that may point into an earlier statement: with the line that statement
  /// started on in the input (`<stdin>:9:25`, not `<stdin>:1:25`).
  func rendered(_ d: Diagnostic) -> String {
    guard case .source(let src, let range) = d.location, src.name == sourceName, let first = statementLines[src.text], first > 1
    else { return d.rendered(color: color) }
    // Built only here: a text with thousands of leading blank lines is slow to parse.
    let shift = first - 1
    var moved = d
    moved.location = .source(
      Source(name: src.name, text: String(repeating: "\n", count: shift) + src.text), SourceRange(range.start + shift, range.end + shift))
    return moved.rendered(color: color)
  }

  // MARK: Datasets

  /// `orders: 2,965 rows, 12 columns, time paid_at 2024-04-01 .. 2024-06-30 (14 ms)`.
  func datasetSummary(_ name: String, elapsed started: DispatchTime? = nil) -> String {
    guard let ds = session.datasets[name] else { return "'\(name)'" }
    var s =
      "'\(name)': \(Render.grouped(String(ds.rowCount))) row\(ds.rowCount == 1 ? "" : "s"), \(ds.columns.count) column\(ds.columns.count == 1 ? "" : "s")"
    if let tc = session.catalog.datasets[name]?.timeColumn {
      if let (lo, hi) = timeRange(ds, tc) {
        s += ", time \(tc) \(session.zone.label(.day, lo)) .. \(session.zone.label(.day, hi))"
      } else {
        s += ", time \(tc) (no values)"
      }
    } else {
      s += ", no time column"
    }
    if let started { s += " (\(milliseconds(since: started)))" }
    return s
  }

  /// The earliest and latest value of a time column.
  func timeRange(_ ds: Dataset, _ column: String) -> (Int64, Int64)? {
    guard let col = ds.column(column), case .time(let ts) = col.vector.data else { return nil }
    var lo: Int64?
    var hi: Int64?
    for i in 0..<ts.count where col.vector.isValid(i) {
      if lo == nil || ts[i] < lo! { lo = ts[i] }
      if hi == nil || ts[i] > hi! { hi = ts[i] }
    }
    guard let lo, let hi else { return nil }
    return (lo, hi)
  }
}

/// A line as typed, with its number in the input and how many spaces were put before it
/// to make it a continuation line.
struct InputLine {
  var text: String
  var number: Int
  var shift = 0
}

/// The lines of one statement and the source text they make.
struct InputBuffer {
  var lines: [InputLine] = []
  var text = ""
  /// Set when the statement continues one already run at the prompt.
  var amending = false

  var isEmpty: Bool { lines.isEmpty }

  /// The input line the statement's text starts on. `##` lines gathered above a metric
  /// count back from the metric's line (they may stand further up, past a blank line).
  /// Lines after the first are consecutive but for comments typed among clauses at a prompt.
  var firstLine: Int {
    let k = lines.firstIndex { !$0.text.trimmingCharacters(in: .whitespaces).hasPrefix("##") } ?? 0
    return lines.indices.contains(k) ? max(1, lines[k].number - k) : 1
  }

  /// Adds a line. After a trailing operator outside brackets, the line is indented by one
  /// space so that the language reads it as a continuation line.
  mutating func append(_ line: InputLine) {
    var l = line
    if lines.isEmpty {
      text = l.text
    } else {
      if Continuation.depth(text) == 0, let first = l.text.first, !first.isWhitespace {
        l.shift = 1
      }
      text += "\n" + String(repeating: " ", count: l.shift) + l.text
    }
    lines.append(l)
  }
}

/// When a statement goes on to the next line.
enum Continuation {
  static let trailingWords: Set<String> = ["where", "and", "or", "not", "is", "in", "over", "offset", "by", "at"]
  static let trailingPunct: Set<String> = ["+", "-", "*", "/", ",", "=", "!=", "<", "<=", ">", ">=", "(", "["]

  /// Whether the text needs more lines: an open bracket or a trailing operator.
  static func needsMore(_ text: String) -> Bool {
    let lexed = Lexer.lex(Source(name: "", text: text))
    guard lexed.diagnostics.isEmpty else { return false }
    var depth = 0
    var last: TokenKind?
    var ended = false
    for t in lexed.tokens {
      // A statement ended before this token (the lexer ends one left open before a new definition).
      if ended, t.kind != .newline, t.kind != .eof { depth = 0 }
      ended = t.kind == .newline
      switch t.kind {
      case .newline, .eof: continue
      case .punct("("), .punct("["): depth += 1
      case .punct(")"), .punct("]"): depth = max(0, depth - 1)
      default: break
      }
      last = t.kind
    }
    if depth > 0 { return true }
    switch last {
    case .identifier(let w)?: return trailingWords.contains(w)
    case .punct(let p)?: return trailingPunct.contains(p)
    default: return false
    }
  }

  /// Brackets open at the end of the text.
  static func depth(_ text: String) -> Int {
    var depth = 0
    for t in Lexer.lex(Source(name: "", text: text)).tokens {
      switch t.kind {
      case .punct("("), .punct("["): depth += 1
      case .punct(")"), .punct("]"): depth = max(0, depth - 1)
      default: break
      }
    }
    return depth
  }
}

/// A statement that failed with output that is not a diagnostic (`assert failed: ...`).
struct ReplFailure: Error {
  var output: String
}

/// `1,234,567`.
/// `12.3 ms`, `1.25 s`.
func milliseconds(since start: DispatchTime) -> String {
  let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
  if ms >= 1000 { return String(format: "%.2f s", ms / 1000) }
  return String(format: ms < 10 ? "%.1f ms" : "%.0f ms", ms)
}
