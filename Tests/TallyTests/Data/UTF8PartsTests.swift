import Foundation
import XCTest

@_spi(Stages) @testable import Tally

/// A big file's UTF-8 is checked in parts, one per core: the first bad byte found is the one
/// a single pass finds, wherever it is, next to a part's edge too.
final class UTF8PartsTests: XCTestCase {
  func testPartsFindTheFirstBadByteOnePassFinds() {
    // Chinese text and ASCII, in parts of at least 16 KiB.
    let line = Array("订单,天猫店,2024-06-01 12:00:00,备注：尽快发货\n".utf8)
    var bytes: [UInt8] = []
    while bytes.count < 100_000 { bytes += line }
    let n = bytes.count
    XCTAssertNil(bytes.withUnsafeBufferPointer { firstInvalidUTF8($0, from: 0, threads: 3, partBytes: 16 << 10) })
    var near: [Int] = [5, n - 1]
    for edge in [n / 2, n / 3, 2 * n / 3] { near += (edge - 4)...(edge + 4) }
    for at in near {
      for bad: [UInt8] in [[0xFF], [0x80], [0xE8, 0x41]] {
        var b = bytes
        for (k, x) in bad.enumerated() where at + k < n { b[at + k] = x }
        let one = b.withUnsafeBufferPointer { firstInvalidUTF8($0, from: 0, to: $0.count) }
        for threads in [2, 3] {
          let parts = b.withUnsafeBufferPointer { firstInvalidUTF8($0, from: 0, threads: threads, partBytes: 16 << 10) }
          XCTAssertEqual(parts, one, "bad bytes \(bad) at \(at), \(threads) threads")
        }
        if bad == [0xFF] { XCTAssertLessThanOrEqual(one ?? .max, at, "found where it is, or at the character it breaks") }
      }
    }
  }
}
