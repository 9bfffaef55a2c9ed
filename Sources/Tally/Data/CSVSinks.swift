import Foundation

struct HeaderSink: FieldSink {
  var names: [String] = []
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    names.append(String(decoding: UnsafeBufferPointer(rebasing: p[start..<end]), as: UTF8.self).trimmingCharacters(in: .whitespaces))
  }
  mutating func endRecord() {}
}

struct InferSink: FieldSink {
  var inferrers: [TypeInferrer]
  var rows = 0
  var line = 0
  var lines = RowLines()
  mutating func startRecord(line: Int) {
    self.line = line
    lines.record(row: rows, line: line)
  }
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    inferrers[column].observe(p, start, end, line: line)
  }
  mutating func endRecord() { rows += 1 }
}

struct BuildSink: FieldSink {
  var builders: [ColumnBuilder]
  mutating func field(_ column: Int, _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool) {
    builders[column].append(p, start, end)
  }
  mutating func endRecord() {}
}
