//! gzip compressed in independent blocks on every core (pigz's scheme), with bytes that depend
//! only on the input: never on the number of threads, the machine or how writes were split.
//!
//! The stream is cut at fixed multiples of [`BLOCK`]; each block is raw-deflated on its own
//! with the 32 KiB before it as the preset dictionary and ends in a sync flush (the last one in
//! the final block), so the blocks concatenate into one ordinary deflate stream any gunzip
//! reads. The price is under 1% of size against one unbroken stream.
//!
//! Every [`RESTART_BLOCKS`]-th block starts from no dictionary at all: the stream can then be
//! inflated in independent pieces, in parallel, by a reader told where they start
//! ([`Restart`]; the build-time check of the sdist is that reader). The cost is a few hundred
//! bytes per restart.

use std::io::{self, Write};

use flate2::{Compress, Compression, FlushCompress, Status};
use rayon::prelude::*;

/// Input bytes per block: pigz's default; large enough that the cut costs nothing measurable.
pub const BLOCK: usize = 128 << 10;
/// Blocks buffered before they are compressed together (bounds memory: 4 MiB of input).
const BATCH: usize = 32;
/// Deflate's window: the dictionary each block starts from.
const WINDOW: usize = 32 << 10;
/// Blocks from one restart point (a block with no dictionary) to the next: 2 MiB of input.
pub const RESTART_BLOCKS: u64 = 16;
/// Bytes of the gzip header this writer makes (no optional fields).
pub const HEADER_LEN: u64 = 10;

/// Where a piece of the deflate stream that needs no earlier output starts: its offset in the
/// gzip file and in the uncompressed stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restart {
    /// Offset in the gzip file.
    pub compressed: u64,
    /// Offset in the uncompressed data.
    pub uncompressed: u64,
}

/// A gzip encoder over `W` (one member, no file name, fixed mtime, OS "unknown").
pub struct ParallelGz<W: Write> {
    out: W,
    level: Compression,
    parallel: bool,
    /// Input not yet compressed; always shorter than `BATCH` full blocks after a write.
    pending: Vec<u8>,
    /// The last `WINDOW` bytes of input before `pending`.
    window: Vec<u8>,
    crc: crc32fast::Hasher,
    len: u64,
    /// Bytes written to `out` so far, the header included.
    written: u64,
    /// The restart points written so far, after the first (which is at the header's end).
    restarts: Vec<Restart>,
}

impl<W: Write> ParallelGz<W> {
    /// Start a gzip member; `parallel = false` compresses the same blocks on this thread only
    /// (same bytes; the reference the parallel path is tested against).
    pub fn new(mut out: W, level: u32, mtime: u32, parallel: bool) -> io::Result<Self> {
        // RFC 1952: magic, CM=deflate, FLG=0, MTIME, XFL=0, OS=255 (unknown: no host leaks in).
        let mut header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
        header[4..8].copy_from_slice(&mtime.to_le_bytes());
        out.write_all(&header)?;
        Ok(Self {
            out,
            level: Compression::new(level),
            parallel,
            pending: Vec::with_capacity(BLOCK * BATCH),
            window: Vec::new(),
            crc: crc32fast::Hasher::new(),
            len: 0,
            written: HEADER_LEN,
            restarts: Vec::new(),
        })
    }

    /// Compress every full block of `pending` (and, when `last`, the remainder as the final
    /// block), write them in order and keep the tail window.
    fn compress_pending(&mut self, last: bool) -> io::Result<()> {
        let full = self.pending.len() / BLOCK * BLOCK;
        let end = if last { self.pending.len() } else { full };
        let mut starts: Vec<usize> = (0..full).step_by(BLOCK).collect();
        if last {
            // The final block is what follows the last full one, possibly empty.
            starts.push(full);
        }
        let (pending, window, level, base) = (&self.pending, &self.window, self.level, self.len);
        // Restart points sit at fixed offsets of the whole input (never where writes fell).
        let restart = |start: usize| {
            let offset = base + start as u64;
            offset > 0 && (offset / BLOCK as u64).is_multiple_of(RESTART_BLOCKS)
        };
        let job = |i: usize, start: usize| -> io::Result<Vec<u8>> {
            let stop = (start + BLOCK).min(end);
            let dict: &[u8] = if restart(start) {
                &[]
            } else if start == 0 {
                window
            } else {
                &pending[start.saturating_sub(WINDOW)..start]
            };
            let is_final = last && i + 1 == starts.len();
            deflate_block(&pending[start..stop], dict, level, is_final)
        };
        // One block gains nothing from the thread pool but its start-up.
        let blocks: Vec<Vec<u8>> = if self.parallel && starts.len() > 1 {
            starts.par_iter().enumerate().map(|(i, &s)| job(i, s)).collect::<io::Result<_>>()?
        } else {
            starts.iter().enumerate().map(|(i, &s)| job(i, s)).collect::<io::Result<_>>()?
        };
        for (b, &start) in blocks.iter().zip(&starts) {
            if restart(start) {
                self.restarts.push(Restart { compressed: self.written, uncompressed: base + start as u64 });
            }
            self.out.write_all(b)?;
            self.written += b.len() as u64;
        }
        self.crc.update(&self.pending[..end]);
        self.len += end as u64;
        // The next block's dictionary: the last WINDOW bytes seen so far.
        let mut tail = std::mem::take(&mut self.window);
        tail.extend_from_slice(&self.pending[end.saturating_sub(WINDOW)..end]);
        self.window = tail[tail.len().saturating_sub(WINDOW)..].to_vec();
        self.pending.drain(..end);
        Ok(())
    }

    /// Write the final block and the trailer; returns the inner writer.
    pub fn finish(self) -> io::Result<W> {
        Ok(self.finish_indexed()?.0)
    }

    /// [`finish`](Self::finish), also returning the restart points after the first.
    pub fn finish_indexed(mut self) -> io::Result<(W, Vec<Restart>)> {
        self.compress_pending(true)?;
        let crc = self.crc.clone().finalize();
        self.out.write_all(&crc.to_le_bytes())?;
        // ISIZE: the input length modulo 2^32.
        self.out.write_all(&(self.len as u32).to_le_bytes())?;
        Ok((self.out, self.restarts))
    }
}

impl<W: Write> Write for ParallelGz<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= BLOCK * BATCH {
            self.compress_pending(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Blocks are cut at fixed offsets, never at flushes (or the bytes would depend on them).
        self.out.flush()
    }
}

/// One raw deflate block: `dict` preset, ends with a sync flush, or the final block when `last`.
fn deflate_block(input: &[u8], dict: &[u8], level: Compression, last: bool) -> io::Result<Vec<u8>> {
    let mut c = Compress::new(level, false);
    if !dict.is_empty() {
        c.set_dictionary(dict).map_err(io::Error::other)?;
    }
    let flush = if last { FlushCompress::Finish } else { FlushCompress::Sync };
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    loop {
        let done = c.total_in() as usize;
        let status = c.compress_vec(&input[done..], &mut out, flush).map_err(io::Error::other)?;
        let all_in = c.total_in() as usize == input.len();
        // Finished once zlib says so (final) or, for a sync flush, once it stopped with output
        // space to spare (it only stops short of the space when it has more to say).
        match status {
            Status::StreamEnd => break,
            _ if !last && all_in && out.len() < out.capacity() => break,
            _ => out.reserve(out.capacity().max(1024)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Compressible but not trivial: text with a slowly changing vocabulary.
    fn sample(n: usize) -> Vec<u8> {
        let mut x: u32 = 12345;
        let mut v = Vec::with_capacity(n);
        while v.len() < n {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            v.extend_from_slice(format!("word{} ", (x >> 16) % 997).as_bytes());
        }
        v.truncate(n);
        v
    }

    fn gz(data: &[u8], parallel: bool, split: usize) -> Vec<u8> {
        let mut g = ParallelGz::new(Vec::new(), 6, 7, parallel).unwrap();
        for part in data.chunks(split.max(1)) {
            g.write_all(part).unwrap();
        }
        g.finish().unwrap()
    }

    #[test]
    fn same_bytes_parallel_or_not_and_however_written() {
        for n in [0, 1, 1000, BLOCK, BLOCK * BATCH, BLOCK * BATCH + 1, 2 * BLOCK * BATCH + 77] {
            let data = sample(n);
            let reference = gz(&data, false, usize::MAX);
            assert_eq!(gz(&data, true, usize::MAX), reference, "n = {n}");
            assert_eq!(gz(&data, true, 4093), reference, "n = {n}, 4093-byte writes");
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&reference[..]).read_to_end(&mut back).unwrap();
            assert_eq!(back, data, "n = {n}");
            assert_eq!(&reference[4..8], &7u32.to_le_bytes());
        }
    }

    #[test]
    fn costs_little_against_one_stream() {
        let data = sample(BLOCK * BATCH);
        let ours = gz(&data, true, usize::MAX).len();
        let mut one = flate2::write::GzEncoder::new(Vec::new(), Compression::new(6));
        one.write_all(&data).unwrap();
        let one = one.finish().unwrap().len();
        assert!(ours as f64 <= one as f64 * 1.01, "{ours} vs {one}");
    }
}
