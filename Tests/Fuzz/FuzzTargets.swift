// libFuzzer targets over the core's sources, compiled into one binary by `run.sh` (the core's
// sources and this file as one module, so internal readers can be fed directly). The target
// is chosen by TALLY_FUZZ: formula, definitions, csv, jsonl, gzip. Every input must give a
// value or a TallyError, and every report of it must render: a crash, a trap or a hang fails.
import Foundation

private let target = ProcessInfo.processInfo.environment["TALLY_FUZZ"] ?? "formula"
private let fixtures = ProcessInfo.processInfo.environment["TALLY_FUZZ_FIXTURES"] ?? "Tests/Fuzz/fixtures"
private let zones = [Zone.utc, Zone("Europe/Berlin")!, Zone("Asia/Shanghai")!]

/// A session over the fixtures, made once: formulas are fuzzed against it.
private let formulaSession: Session = {
  let s = Session(zone: zones[1])
  for name in ["orders", "refunds"] { _ = try? s.load(name: name, path: "\(fixtures)/\(name).csv") }
  _ = try? s.define(
    Source(
      name: "defs.kpi",
      text: "link refunds.order_id -> orders.order_id\nlet paid = orders where status != \"unpaid\"\n"
        + "metric rate = count(refunds) / count(paid) over 28d\n"))
  return s
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func tallyFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeBufferPointer(start: data, count: size))
  switch target {
  case "formula": fuzzFormula(bytes)
  case "definitions": fuzzDefinitions(bytes)
  case "csv": fuzzTable(bytes, reader: { try CSVReader(path: "fuzz.csv", bytes: Data($0), delimiter: 44, zone: $1).read(name: "d") })
  case "tsv": fuzzTable(bytes, reader: { try CSVReader(path: "fuzz.tsv", bytes: Data($0), delimiter: 9, zone: $1).read(name: "d") })
  case "jsonl": fuzzTable(bytes, reader: { try JSONLinesReader.read(name: "d", path: "fuzz.jsonl", bytes: $0, zone: $1) })
  case "gzip":
    fuzzTable(bytes) { input, zone in
      let plain = try DataLoader.gunzip(input, file: "fuzz.csv.gz", limit: 1 << 22)
      return try CSVReader(path: "fuzz.csv.gz", bytes: Data(plain), delimiter: 44, zone: zone).read(name: "d")
    }
  default: fatalError("unknown TALLY_FUZZ target '\(target)'")
  }
  return 0
}

/// Renders what a user would see of a result or an error.
private func show(_ e: Evaluation?, _ error: Error?, zone: Zone) {
  if let e {
    _ = Render.table(e, zone: zone, maxRows: 40, maxCellWidth: 80)
    _ = Render.json(e, zone: zone)
    _ = Render.csv(e, zone: zone)
    for n in e.notes { _ = DiagnosticFormatter(color: true).format(n) }
  }
  if let t = error as? TallyError {
    _ = DiagnosticFormatter(color: true).format(t.diagnostics)
    _ = DiagnosticFormatter().format(t.diagnostics.first.map { [$0] } ?? [])
  } else if let error {
    fatalError("not a TallyError: \(error)")
  }
}

private func fuzzFormula(_ bytes: [UInt8]) {
  let text = String(decoding: bytes, as: UTF8.self)
  do {
    show(try formulaSession.evaluate(text), nil, zone: formulaSession.zone)
  } catch {
    show(nil, error, zone: formulaSession.zone)
  }
}

private func fuzzDefinitions(_ bytes: [UInt8]) {
  let text = String(decoding: bytes, as: UTF8.self)
  let s = Session(zone: zones[Int(bytes.first ?? 0) % zones.count])
  s.root = fixtures  // a definition names files: only the fixtures
  do {
    try s.define([(Source(name: "fuzz.kpi", text: text), fixtures)], formulas: false)
    let r = try s.runChecks()
    _ = Report.table(r, zone: s.zone, color: true, maxCellWidth: 80)
    _ = Report.json(r, zone: s.zone)
    _ = Report.junit(r, zone: s.zone, strict: true)
    _ = Report.markdown(r, zone: s.zone)
    _ = TestRunner.run([(Source(name: "fuzz.kpi", text: text), fixtures)], zone: s.zone, root: fixtures)
  } catch {
    show(nil, error, zone: s.zone)
  }
}

private func fuzzTable(_ bytes: [UInt8], reader: ([UInt8], Zone) throws -> Dataset) {
  let zone = zones[bytes.count % zones.count]
  let ds: Dataset
  do {
    ds = try reader(bytes, zone)
  } catch {
    show(nil, error, zone: zone)
    return
  }
  let s = Session(zone: zone)
  do {
    try s.add(ds)
    for c in ds.columns.prefix(3) {
      let name = "`\(c.name.replacingOccurrences(of: "`", with: ""))`"
      for f in ["count(d) by \(name)", "count_distinct(d.\(name))", "min(d.\(name))", "max(d.\(name))"] {
        do { show(try s.evaluate(f), nil, zone: zone) } catch { show(nil, error, zone: zone) }
      }
    }
  } catch {
    show(nil, error, zone: zone)
  }
}
