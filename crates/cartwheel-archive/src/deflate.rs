//! The deflate both archive writers use: libdeflate at level 6, in pieces cut at fixed offsets.
//!
//! Why libdeflate: on Django's 6,909 files it deflates 23% faster than zlib-rs at the same
//! level and writes 1-2% fewer bytes (bench/RESULTS.md). Its output depends only on the input
//! and the level (no CPU-dependent match finding), so every machine writes the same bytes;
//! the version is pinned by Cargo.lock.
//!
//! libdeflate compresses whole buffers into complete streams. Input longer than [`PIECE`] is
//! cut at fixed multiples of it; every piece but the last is turned into the middle of a stream
//! ([`piece`]: the final-block bit cleared, then an empty stored block, as zlib's sync flush
//! ends), so the pieces concatenate into one ordinary deflate stream. The bytes depend only on
//! the input, never on how it was read or on which thread deflated which piece.

use std::cell::RefCell;
use std::io;

use libdeflater::{CompressionLvl, Compressor};
use libz_rs_sys as zlib;
use rayon::prelude::*;

/// Deflate level: zlib's default, the usual balance for wheels and sdists (within a few percent
/// of level 9 for a third of the CPU; the peers' gzip -9 is why their sdists are slow).
pub const LEVEL: i32 = 6;
/// Input bytes per independently deflated piece (the cut costs under 0.1% of size).
pub const PIECE: usize = 1 << 20;

thread_local! {
    // libdeflate's compressor holds its match finder's tables (hundreds of KiB): one per thread.
    static COMPRESSOR: RefCell<Compressor> = RefCell::new(Compressor::new(
        CompressionLvl::new(LEVEL).expect("level 6 is in libdeflate's range"),
    ));
    // Room for the worst case of the largest piece, written into and copied out at its true
    // size: a member's entry holds its compressed bytes only, not a buffer the size of its input.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Raw deflate of `data` as one complete stream: [`PIECE`]-sized pieces, deflated in parallel
/// when there are several.
pub fn all(data: &[u8]) -> io::Result<Vec<u8>> {
    if data.len() <= PIECE {
        return whole(data);
    }
    let last = (data.len() - 1) / PIECE;
    let parts: Vec<Vec<u8>> = data
        .par_chunks(PIECE)
        .enumerate()
        .map(|(i, chunk)| if i == last { whole(chunk) } else { piece(chunk) })
        .collect::<io::Result<_>>()?;
    Ok(parts.concat())
}

/// Raw deflate of `data` as a complete stream (it ends in a final block).
pub fn whole(data: &[u8]) -> io::Result<Vec<u8>> {
    COMPRESSOR.with(|c| {
        SCRATCH.with(|s| {
            let (mut c, mut s) = (c.borrow_mut(), s.borrow_mut());
            let bound = c.deflate_compress_bound(data.len());
            if s.len() < bound {
                s.resize(bound, 0);
            }
            let n = c
                .deflate_compress(data, &mut s[..bound])
                .map_err(|e| io::Error::other(format!("deflate: {e:?}")))?;
            Ok(s[..n].to_vec())
        })
    })
}

/// Raw deflate of `data` as a piece more of the stream follows: no final block, and it ends on
/// a byte boundary after an empty stored block (zlib's sync flush), so the next piece starts
/// on a fresh byte with no reference to this one.
pub fn piece(data: &[u8]) -> io::Result<Vec<u8>> {
    let mut out = whole(data)?;
    let (header, end) = last_block(&out, data.len())
        .ok_or_else(|| io::Error::other("deflate: libdeflate's output did not inflate back"))?;
    let (byte, bit) = ((header / 8) as usize, header % 8);
    if out[byte] >> bit & 1 != 1 {
        return Err(io::Error::other("deflate: the last block is not marked final"));
    }
    out[byte] &= !(1 << bit);
    // An empty stored block: three zero bits (not final, type 0) from `end`, zeros to the byte
    // boundary, then LEN = 0 and NLEN = !0.
    let keep = (end as usize).div_ceil(8);
    out.truncate(keep);
    if end % 8 != 0 {
        out[keep - 1] &= (1u8 << (end % 8)) - 1;
    }
    if end % 8 == 0 || end % 8 > 5 {
        out.push(0);
    }
    out.extend_from_slice(&[0, 0, 0xff, 0xff]);
    Ok(out)
}

/// Bit offsets in the raw deflate `stream` of its last block's header and of its end, found
/// by inflating it block by block (zlib's `Z_BLOCK`, made for joining streams); `len` is the
/// inflated length. `None` when the stream does not inflate to exactly `len` bytes.
fn last_block(stream: &[u8], len: usize) -> Option<(u64, u64)> {
    let mut out: Vec<u8> = Vec::with_capacity(len + 1);
    // SAFETY: a zeroed z_stream (no allocator: zlib-rs picks its own) is what inflateInit2_
    // expects; next_in/next_out point into `stream` and the spare capacity of `out`, which
    // outlive the stream, with their true lengths; inflateEnd runs on every path after init.
    unsafe {
        let mut z: zlib::z_stream = std::mem::zeroed();
        let size = std::mem::size_of::<zlib::z_stream>() as i32;
        if zlib::inflateInit2_(&mut z, -15, zlib::zlibVersion(), size) != zlib::Z_OK {
            return None;
        }
        z.next_in = stream.as_ptr().cast_mut();
        z.avail_in = u32::try_from(stream.len()).ok()?;
        z.next_out = out.spare_capacity_mut().as_mut_ptr().cast();
        z.avail_out = u32::try_from(out.capacity()).ok()?;
        // With Z_BLOCK, data_type holds the bits not yet used of the input taken (low six bits
        // in zlib-rs, whose bit buffer is 64 bits), +64 once the last block's header was read,
        // +128 when stopped at a block boundary.
        // total_in is a C `unsigned long`: 32 bits on Windows.
        #[allow(clippy::unnecessary_cast)]
        let at = |z: &zlib::z_stream| (z.total_in as u64 * 8).checked_sub((z.data_type & 63) as u64);
        let (mut header, mut end) = (Some(0), None);
        let found = loop {
            match zlib::inflate(&mut z, zlib::Z_BLOCK) {
                zlib::Z_STREAM_END => break header.zip(end).filter(|_| z.total_out as usize == len),
                zlib::Z_OK => {}
                _ => break None,
            }
            if z.data_type & 128 != 0 {
                if z.data_type & 64 == 0 {
                    header = at(&z);
                } else {
                    end = at(&z);
                }
            }
        };
        zlib::inflateEnd(&mut z);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Compressible but not trivial, and of every kind deflate handles differently: text,
    /// runs, and bytes it cannot shrink.
    fn sample(n: usize, seed: u32) -> Vec<u8> {
        let mut x = seed;
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            match (x >> 28) % 4 {
                0 => v.extend(std::iter::repeat_n(b'a' + (x % 26) as u8, (x >> 8) as usize % 300)),
                1 => v.extend((0..64).map(|i| (x >> (i % 24)) as u8)),
                _ => v.extend_from_slice(format!("word{} ", (x >> 16) % 997).as_bytes()),
            }
        }
        v.truncate(n);
        v
    }

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut back = Vec::new();
        flate2::read::DeflateDecoder::new(stream).read_to_end(&mut back).unwrap();
        back
    }

    #[test]
    fn pieces_join_into_one_stream_that_inflates_back() {
        // Sizes around the piece size, and short pieces whose end falls at every bit offset.
        for (n, seed) in
            [(0, 1), (1, 2), (100, 3), (PIECE - 1, 4), (PIECE, 5), (PIECE + 1, 6), (3 * PIECE + 77, 7)]
        {
            let data = sample(n, seed);
            let stream = all(&data).unwrap();
            assert_eq!(inflate(&stream), data, "n = {n}");
        }
        let mut ends = std::collections::BTreeSet::new();
        for seed in 0..200u32 {
            let parts: Vec<Vec<u8>> =
                (0..3).map(|k| sample(1 + (seed as usize * 37 + k * 11) % 700, seed + k as u32)).collect();
            let mut stream = Vec::new();
            for (k, p) in parts.iter().enumerate() {
                let d = if k == 2 { whole(p).unwrap() } else { piece(p).unwrap() };
                if k < 2 {
                    assert_eq!(&d[d.len() - 4..], &[0, 0, 0xff, 0xff]);
                    ends.insert(last_block(&whole(p).unwrap(), p.len()).unwrap().1 % 8);
                }
                stream.extend_from_slice(&d);
            }
            assert_eq!(inflate(&stream), parts.concat(), "seed {seed}");
        }
        assert_eq!(ends.len(), 8, "every bit offset of a stream's end was tried: {ends:?}");
    }

    #[test]
    fn the_bytes_do_not_depend_on_the_thread() {
        let data = sample(5 * PIECE + 3, 9);
        let parallel = all(&data).unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        assert_eq!(pool.install(|| all(&data)).unwrap(), parallel);
        // A compressor that just deflated something else writes the same bytes.
        whole(&sample(12345, 10)).unwrap();
        let serial: Vec<u8> = data
            .chunks(PIECE)
            .enumerate()
            .flat_map(|(i, c)| if i == 5 { whole(c).unwrap() } else { piece(c).unwrap() })
            .collect();
        assert_eq!(serial, parallel);
    }

    #[test]
    fn a_stream_that_does_not_inflate_back_is_refused() {
        let data = sample(5000, 11);
        let mut d = whole(&data).unwrap();
        assert!(last_block(&d, data.len()).is_some());
        assert!(last_block(&d, data.len() + 1).is_none(), "wrong length");
        d.truncate(d.len() / 2);
        assert!(last_block(&d, data.len()).is_none(), "truncated");
    }
}
