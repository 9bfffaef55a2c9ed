import Foundation
import Tally

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
  /// Notes on the value just computed (a number that did not fit), shown after it.
  var notes: [Diagnostic] = []

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
    guard !Session.needsMoreLines(pending.text) else {
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
    let parsed = Pipeline.parseStatements(source)
    guard parsed.diagnostics.isEmpty else {
      out.error(render(parsed.diagnostics, buffer))
      return (out, false)
    }
    var defined = false
    for st in parsed.statements {
      let started = DispatchTime.now()
      do {
        out.print(try execute(st, amending: amending))
        if !notes.isEmpty { out.note(render(notes, buffer)) }
        notes = []
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
      notes = ev.notes
      return render(ev, grain: timeGrain(of: e))
    case .assert(let e):
      let problems = session.validate([st])
      if !problems.isEmpty { throw TallyError(problems) }
      let ev = try session.evaluate(e, in: st.source)
      if case .scalar(.bool(true)) = ev.value { return "assert passed" }
      let shown = Render.table(ev, zone: session.zone).trimmingCharacters(in: .newlines)
      throw ReplFailure(output: "assert failed: \(st.source.slice(e.range.start..<e.range.end)) is \(shown)")
    case .dataset(let d):
      let name = d.name
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
    case .link(let l):
      try session.defineChecked([(st, baseDirectory)])
      return "defined link '\(l.name)': \(l.from).\(l.column) -> \(l.to).\(l.key)"
    }
  }

  /// Defines a `let` or `metric`; a broken definition never replaces a working one.
  private func define(_ st: Statement, amending: Bool) throws -> String {
    guard let name = st.definedName else { return "" }
    let replacing = session.isDefined(name)
    try session.defineChecked([(st, baseDirectory)])
    definitions[name] = (st, baseDirectory)
    let verb = amending ? "updated" : replacing ? "replaced" : "defined"
    if session.kind(of: name) == .view { return "\(verb) view '\(name)'" }
    let metric = session.definition(of: name)?.metric
    let kind = metric != nil ? "metric" : "value"
    var line = "\(verb) \(kind) '\(name)'"
    if let ev = try? session.evaluate(Expr(.name(name), st.nameRange), in: st.source) {
      switch ev.value {
      case .scalar(let v):
        line += " = " + Render.display(v, format: ev.format, zone: session.zone)
        if let m = metric, m.target != nil {
          line += " (\(metricStatus(ev.value, m, st.source).rawValue))"
        }
      case .grouped(let g):
        line += " (\(g.values.count) group\(g.values.count == 1 ? "" : "s") by \(g.keyNames.joined(separator: ", "))"
        if let m = metric, m.target != nil { line += ", \(metricStatus(ev.value, m, st.source).rawValue)" }
        line += ")"
      }
    }
    return line
  }

}

/// A statement that failed with output that is not a diagnostic (`assert failed: ...`).
struct ReplFailure: Error {
  var output: String
}
