import Foundation
import XCTest

/// `tally repl` run as a user runs it: a script on stdin, and keys typed in a pseudo-terminal
/// (through `script(1)`), with history in a temporary file.
final class ReplEndToEndTests: XCTestCase {
  static let orders = """
    id,shop,amount,status,paid_at
    1,A,10,paid,2024-06-01 10:00:00
    2,A,20,paid,2024-06-15 12:00:00
    3,B,30,shipped,2024-06-20 08:00:00
    4,B,40,paid,2024-06-29 09:00:00
    5,B,50,unpaid,
    6,C,60,paid,2024-06-30 18:00:00

    """

  static let kpi = """
    dataset orders from "orders.csv" time paid_at
    let paid = orders where status != "unpaid"

    metric paid_share = count(paid) / count(orders)
      format percent
      target >= 50%

    """

  var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("tally-repl-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try Data(Self.orders.utf8).write(to: dir.appendingPathComponent("orders.csv"))
    try Data(Self.kpi.utf8).write(to: dir.appendingPathComponent("shop.kpi"))
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: dir)
  }

  // MARK: A script on stdin

  func testScriptOnStdinPrintsResultsWithoutPrompts() throws {
    let script = """
      count(orders)
      # a comment, then a blank line

      paid_share
      let big = orders where amount >= 30
      count(big) by shop
      count(orders
        where shop = "A")
      :format json
      sum(orders.amount)
      """
    let r = try run(["repl", "shop.kpi"], input: script)
    XCTAssertEqual(r.code, 0, r.stderr)
    XCTAssertEqual(r.stderr, "")
    let body = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropFirst(2).joined(separator: "\n")
    XCTAssertTrue(r.stdout.hasPrefix("loaded dataset 'orders': 6 rows, 5 columns, time paid_at 2024-06-01 .. 2024-06-30 ("), r.stdout)
    XCTAssertEqual(
      body,
      """
      6
      83.33%
      defined view 'big'
      shop  value
      ----  -----
      B         3
      C         1
      2
      format json
      {"as_of": "2024-07-01T00:00:00+00:00", "value": 210}

      """)
    XCTAssertFalse(r.stdout.contains("tally>"))
    XCTAssertFalse(r.stdout.contains("\u{1B}"), "no escape codes")
  }

  func testAFailedLineExitsWithOneAndTheRestStillRuns() throws {
    let r = try run(["repl", "orders=orders.csv"], input: "count(ordrs)\n:shema orders\ncount(orders)\n")
    XCTAssertEqual(r.code, 1)
    XCTAssertTrue(r.stdout.hasSuffix("\n6\n"), r.stdout)
    XCTAssertEqual(
      r.stderr,
      """
      <stdin>:1:7: error: unknown dataset 'ordrs'
      1 | count(ordrs)
        |       ^~~~~
      note: did you mean 'orders'?
      <stdin>:2: error: unknown command ':shema'; did you mean ':schema'?

      """)
  }

  func testAFileArgumentThatDoesNotLoadExitsWithTwo() throws {
    let r = try run(["repl", "ordrs.csv", "orders=orders.csv"], input: "count(orders)\n")
    XCTAssertEqual(r.code, 2)
    XCTAssertTrue(r.stderr.contains("ordrs.csv: error: no such file"), r.stderr)
    XCTAssertTrue(r.stdout.hasSuffix("\n6\n"), r.stdout)  // the other file loaded and the script ran
  }

  func testNoArgumentsStartsTheRepl() throws {
    let r = try run([], input: "1 + 2\n:quit\n3\n")
    XCTAssertEqual(r.code, 0, r.stderr)
    XCTAssertEqual(r.stdout, "3\n")
  }

  func testTimeGrainDrawsAChartInAScript() throws {
    let r = try run(["repl", "orders.csv"], input: "sum(orders.amount) by week\n")
    XCTAssertEqual(r.code, 0, r.stderr)
    XCTAssertTrue(r.stdout.contains("2024-W23 "), "an empty week is drawn too:\n\(r.stdout)")
    XCTAssertTrue(r.stdout.contains("2024-W26  ████████████████████████████████████████  100"), r.stdout)
  }

  func testStdoutAndStderrInOneFileKeepTheirOrder() throws {
    let r = try runMerged(["repl"], input: "count(1bad)\n:datasets\n2\n")
    XCTAssertEqual(r.code, 1)
    XCTAssertTrue(r.output.hasPrefix("<stdin>:1:7: error: unknown duration unit 'bad'"), r.output)
    XCTAssertTrue(r.output.hasSuffix("^~~~\nno datasets; load one with ':load PATH' or 'dataset NAME from \"PATH\"'\n2\n"), r.output)
  }

  func testArgumentsWithoutASubcommandStartTheRepl() throws {
    let tz = try run(["--tz", "Asia/Shanghai"], input: ":tz\n")
    XCTAssertEqual(tz.code, 0, tz.stderr)
    XCTAssertEqual(tz.stdout, "time zone Asia/Shanghai\n")
    let file = try run(["orders.csv", "--as-of", "2024-06-16"], input: "count(orders)\n")
    XCTAssertEqual(file.code, 0, file.stderr)
    XCTAssertTrue(file.stdout.hasSuffix("\n3\n"), file.stdout)
    // A misspelt subcommand is still an error, not a REPL.
    let typo = try run(["evl", "1 + 1"], input: "")
    XCTAssertNotEqual(typo.code, 0)
    XCTAssertEqual(typo.stdout, "")
    XCTAssertEqual(try run(["--version"], input: "").stdout, "0.1.0\n")
  }

  func testLoadExpandsTheHomeDirectory() throws {
    let r = try TallyProcess.run(
      ["repl"], in: dir, input: ":load ~/orders.csv as o\ncount(o)\n", environment: ["TALLY_HISTORY": "", "HOME": dir.path])
    XCTAssertEqual(r.code, 0, r.stderr)
    XCTAssertTrue(r.stdout.hasSuffix("\n6\n"), r.stdout)
  }

  // MARK: Keys in a pseudo-terminal

  func testTypingAtATerminal() throws {
    let t = try Terminal(["repl", "orders.csv"], in: dir, history: dir.appendingPathComponent("history").path)
    try t.expect("tally> ")

    // Tab completes a column inside an aggregate, then a string value.
    t.type("count(orders where sta\t")
    try t.expect("status")
    t.type("= \"pa\t")
    try t.expect("paid\"")
    t.type(")\r")
    try t.expect("4\r\n")  // `status = "paid"`: both completions happened

    // Up recalls the last statement.
    t.type("\u{1B}[A\r")
    try t.expect("4\r\n")

    // An open bracket continues on the next line.
    t.type("count(orders\r")
    try t.expect("  ...> ")
    t.type("where shop = \"A\")\r")
    try t.expect("2\r\n")

    // Ctrl-C drops the statement being typed, not the program.
    t.type("count(orders) +\r")
    try t.expect("  ...> ")
    t.type("\u{03}")
    try t.expect("tally> ")
    t.type("1 + 1\r")
    try t.expect("2\r\n")

    // An error points a caret under the typed line and the session goes on.
    t.type("count(orders where statu = 1)\r")
    try t.expect("note: did you mean 'status'?")
    XCTAssertTrue(t.screen.contains(String(repeating: " ", count: 26) + "^~~~~"), t.screen)

    // A formula by a time grain is also drawn as a chart.
    t.type("count(orders) by day\r")
    try t.expect("min 0 (2024-06-02), max 1 (2024-06-01)")
    XCTAssertTrue(t.screen.contains("2024-06-01  █▁▁▁▁▁▁▁▁▁▁▁▁▁█▁▁▁▁█▁▁▁▁▁▁▁▁██"), t.screen)

    // Ctrl-D leaves.
    t.type("\u{04}")
    XCTAssertEqual(try t.wait(), 0)
  }

  func testPromptsGoToStderrWhenStdoutIsNotATerminal() throws {
    // `tally repl > out.txt` at a terminal, as `tally repl | tee out.txt`.
    let t = try Terminal(["repl", "orders.csv"], in: dir, history: dir.appendingPathComponent("history").path, after: " > out.txt")
    try t.expect("tally> ")
    t.type("count(orders)\r")
    try t.expect("tally> ")
    t.type("\u{04}")
    XCTAssertEqual(try t.wait(), 0)
    let out = try String(contentsOf: dir.appendingPathComponent("out.txt"), encoding: .utf8)
    XCTAssertTrue(out.hasPrefix("loaded dataset 'orders'"), out)
    XCTAssertTrue(out.hasSuffix(")\n6\n"), out.debugDescription)
    XCTAssertFalse(out.contains("tally>"), out)
    XCTAssertFalse(out.contains("\u{1B}"), "no escape codes: \(out.debugDescription)")
  }

  func testChartsFollowAResizedTerminal() throws {
    // The window is made 50 columns wide once the REPL runs (when the file `narrow` appears).
    let t = try Terminal(
      ["repl", "orders.csv"], in: dir, history: dir.appendingPathComponent("history").path,
      before: "stty cols 120 rows 40; (while [ ! -e narrow ]; do sleep 0.05; done; stty cols 50 < /dev/tty) & ")
    try t.expect("tally> ")
    t.type("count(orders) by week\r")
    try t.expect("2024-W26  " + String(repeating: "█", count: 60) + "  2")
    try Data().write(to: dir.appendingPathComponent("narrow"))
    Thread.sleep(forTimeInterval: 0.5)
    t.type("count(orders) by week\r")
    try t.expect("2024-W26  ")
    try t.expect("  2\r\n")
    let lines = t.screen.components(separatedBy: "\r\n").filter { $0.hasPrefix("2024-W") && $0.contains("█") }
    XCTAssertGreaterThan(lines.count, 3, t.screen)
    XCTAssertLessThan(lines.last.map { $0.count } ?? 99, 50, t.screen)
    t.type("\u{04}")
    XCTAssertEqual(try t.wait(), 0)
  }

  func testTabQuotesAPathWithSpaces() throws {
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
    try Data(Self.orders.utf8).write(to: dir.appendingPathComponent("data/my orders.csv"))
    let t = try Terminal(["repl"], in: dir, history: dir.appendingPathComponent("history").path)
    try t.expect("tally> ")
    t.type(":load data/my\t")
    try t.expect("\"data/my orders.csv\"")
    t.type("\r")
    try t.expect("loaded dataset 'my_orders': 6 rows")
    t.type("\u{04}")
    XCTAssertEqual(try t.wait(), 0)
  }

  func testHistoryIsKeptInHomeWithoutTallyHistory() throws {
    let t = try Terminal(["repl"], in: dir, history: nil)
    try t.expect("tally> ")
    t.type("1 + 2\r")
    try t.expect("3\r\n")
    t.type("\u{04}")
    XCTAssertEqual(try t.wait(), 0)
    XCTAssertEqual(try String(contentsOfFile: dir.appendingPathComponent(".tally_history").path, encoding: .utf8), "1 + 2\n")
  }

  func testHistoryIsKeptAcrossSessions() throws {
    let history = dir.appendingPathComponent("history").path
    let first = try Terminal(["repl", "orders.csv"], in: dir, history: history)
    try first.expect("tally> ")
    first.type("count(orders) * 7\r")
    try first.expect("42\r\n")
    first.type(":quit\r")
    XCTAssertEqual(try first.wait(), 0)
    XCTAssertEqual(try String(contentsOfFile: history, encoding: .utf8), "count(orders) * 7\n:quit\n")

    let second = try Terminal(["repl", "orders.csv"], in: dir, history: history)
    try second.expect("tally> ")
    second.type("\u{1B}[A\u{1B}[A\r")
    try second.expect("42\r\n")
    // Ctrl-R searches it.
    second.type("1 + 1\r")
    try second.expect("2\r\n")
    second.type("\u{12}* 7")
    try second.expect("count(orders) * 7")
    second.type("\r")
    try second.expect("42\r\n")
    second.type("\u{04}")
    XCTAssertEqual(try second.wait(), 0)
  }

  // MARK: Helpers

  struct Result {
    var stdout: String
    var stderr: String
    var code: Int32
  }

  func run(_ arguments: [String], input: String) throws -> Result {
    let r = try TallyProcess.run(arguments, in: dir, input: input, environment: ["TALLY_HISTORY": ""])
    return Result(stdout: r.stdout, stderr: r.stderr, code: r.code)
  }

  /// `tally ARGS` with stdout and stderr to one pipe, as `tally repl > out 2>&1`.
  func runMerged(_ arguments: [String], input: String) throws -> (output: String, code: Int32) {
    let p = Process()
    p.executableURL = TallyProcess.executable
    p.arguments = arguments
    p.currentDirectoryURL = dir
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    env["TALLY_HISTORY"] = ""
    p.environment = env
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    let inp = Pipe()
    p.standardInput = inp
    try p.run()
    inp.fileHandleForWriting.write(Data(input.utf8))
    try inp.fileHandleForWriting.close()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (String(decoding: data, as: UTF8.self), p.terminationStatus)
  }

  struct Timeout: Error {}

  /// `tally` in a pseudo-terminal made by `script -qfec`: type keys, wait for text on the screen.
  final class Terminal: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NSLock()
    private var raw = Data()
    /// Where the next `expect` starts looking.
    private var mark = 0

    /// `before` and `after` are shell text around the command (`stty cols 50;`, `> out.txt`).
    /// `history` is `$TALLY_HISTORY`; nil leaves it unset, with `$HOME` the directory.
    init(_ arguments: [String], in directory: URL, history: String?, before: String = "", after: String = "") throws {
      let script = URL(fileURLWithPath: "/usr/bin/script")
      guard FileManager.default.isExecutableFile(atPath: script.path) else { throw XCTSkip("script(1) is not installed") }
      // `exec`: tally replaces the shell, so a Ctrl-C typed at the prompt reaches tally alone and
      // the exit code is tally's (a shell that saw SIGINT may exit 130 after its child ends).
      let command = before + "exec " + ([TallyProcess.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ") + after
      process.executableURL = script
      process.arguments = ["-qfec", command, "/dev/null"]
      process.currentDirectoryURL = directory
      var env = ProcessInfo.processInfo.environment
      env["SHELL"] = "/bin/sh"  // what script(1) runs the command with, the same on every machine
      env["TERM"] = "xterm"
      env["INPUTRC"] = "/dev/null"
      if let history {
        env["TALLY_HISTORY"] = history
      } else {
        env["TALLY_HISTORY"] = nil
        env["HOME"] = directory.path
      }
      env["COLUMNS"] = "120"
      env["LINES"] = "40"
      env["NO_COLOR"] = "1"
      process.environment = env
      process.standardInput = input
      process.standardOutput = output
      process.standardError = output
      output.fileHandleForReading.readabilityHandler = { [weak self] h in
        let d = h.availableData
        guard let self, !d.isEmpty else { return }
        self.lock.lock()
        self.raw.append(d)
        self.lock.unlock()
      }
      try process.run()
    }

    deinit {
      if process.isRunning { process.terminate() }
    }

    /// Everything shown so far, without escape sequences.
    var screen: String {
      lock.lock()
      defer { lock.unlock() }
      let s = String(decoding: raw, as: UTF8.self)
      return s.replacingOccurrences(of: "\u{1B}(\\[[0-9;?]*[A-Za-z]|[()][A-Z0-9]|[=>])", with: "", options: .regularExpression)
    }

    func type(_ keys: String) {
      input.fileHandleForWriting.write(Data(keys.utf8))
    }

    /// Waits until `text` appears after what the last `expect` matched.
    func expect(_ text: String, timeout: TimeInterval = 5, file: StaticString = #filePath, line: UInt = #line) throws {
      let deadline = Date().addingTimeInterval(timeout)
      while Date() < deadline {
        let s = screen
        let from = s.index(s.startIndex, offsetBy: min(mark, s.count))
        if let r = s.range(of: text, range: from..<s.endIndex) {
          mark = s.distance(from: s.startIndex, to: r.upperBound)
          return
        }
        Thread.sleep(forTimeInterval: 0.02)
      }
      XCTFail("timed out waiting for \(text.debugDescription); the screen shows:\n\(screen)", file: file, line: line)
      throw Timeout()
    }

    /// Waits for the program to end; its exit code.
    func wait(timeout: TimeInterval = 5) throws -> Int32 {
      let deadline = Date().addingTimeInterval(timeout)
      while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
      guard !process.isRunning else {
        process.terminate()
        XCTFail("tally did not exit; the screen shows:\n\(screen)")
        return -1
      }
      try? input.fileHandleForWriting.close()
      output.fileHandleForReading.readabilityHandler = nil
      return process.terminationStatus
    }
  }
}
