;; C = A B' for row-major f64 matrices: C[i][k] = sum_t A[i][t] * B[k][t], A is ma x len,
;; B is mb x len, C is ma x mb; arguments are byte offsets into the exported memory.
;; Source of the module embedded in abt-wasm.ts (regenerate: see that file). Blocks of two rows
;; of A x two rows of B, two lanes of f64x2 each: four loads per eight multiply-adds, and no
;; bounds check per load (WebAssembly memory is guarded), which is what limits the plain
;; JavaScript loops.
(module
  (memory (export "memory") 1)
  (func (export "abt") (param $a i32) (param $ma i32) (param $b i32) (param $mb i32) (param $len i32) (param $c i32)
    (local $i i32) (local $k i32) (local $t i32) (local $row i32) (local $end i32)
    (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $b1 i32) (local $o i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128)
    (local $r00 f64) (local $r01 f64) (local $r10 f64) (local $r11 f64)
    (local $u0 f64) (local $u1 f64) (local $v0 f64) (local $v1 f64)
    (local.set $row (i32.shl (local.get $len) (i32.const 3)))
    ;; bytes covered by whole f64x2 pairs
    (local.set $end (i32.shl (i32.and (local.get $len) (i32.const -2)) (i32.const 3)))
    (block $done_i
      (loop $loop_i
        (br_if $done_i (i32.ge_u (local.get $i) (local.get $ma)))
        (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $row))))
        ;; an odd last row pairs with itself; its duplicate result is not stored
        (local.set $a1 (select (i32.add (local.get $a0) (local.get $row)) (local.get $a0)
          (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $ma))))
        (local.set $k (i32.const 0))
        (block $done_k
          (loop $loop_k
            (br_if $done_k (i32.ge_u (local.get $k) (local.get $mb)))
            (local.set $b0 (i32.add (local.get $b) (i32.mul (local.get $k) (local.get $row))))
            (local.set $b1 (select (i32.add (local.get $b0) (local.get $row)) (local.get $b0)
              (i32.lt_u (i32.add (local.get $k) (i32.const 1)) (local.get $mb))))
            (local.set $s00 (f64x2.splat (f64.const 0)))
            (local.set $s01 (f64x2.splat (f64.const 0)))
            (local.set $s10 (f64x2.splat (f64.const 0)))
            (local.set $s11 (f64x2.splat (f64.const 0)))
            (local.set $t (i32.const 0))
            (block $done_t
              (loop $loop_t
                (br_if $done_t (i32.ge_u (local.get $t) (local.get $end)))
                (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $t))))
                (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $t))))
                (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $t))))
                (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $t))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
                (local.set $t (i32.add (local.get $t) (i32.const 16)))
                (br $loop_t)))
            (local.set $r00 (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00))))
            (local.set $r01 (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01))))
            (local.set $r10 (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10))))
            (local.set $r11 (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11))))
            ;; odd len: the last element
            (if (i32.and (local.get $len) (i32.const 1))
              (then
                (local.set $u0 (f64.load (i32.add (local.get $a0) (local.get $end))))
                (local.set $u1 (f64.load (i32.add (local.get $a1) (local.get $end))))
                (local.set $v0 (f64.load (i32.add (local.get $b0) (local.get $end))))
                (local.set $v1 (f64.load (i32.add (local.get $b1) (local.get $end))))
                (local.set $r00 (f64.add (local.get $r00) (f64.mul (local.get $u0) (local.get $v0))))
                (local.set $r01 (f64.add (local.get $r01) (f64.mul (local.get $u0) (local.get $v1))))
                (local.set $r10 (f64.add (local.get $r10) (f64.mul (local.get $u1) (local.get $v0))))
                (local.set $r11 (f64.add (local.get $r11) (f64.mul (local.get $u1) (local.get $v1))))))
            (local.set $o (i32.add (local.get $c)
              (i32.shl (i32.add (i32.mul (local.get $i) (local.get $mb)) (local.get $k)) (i32.const 3))))
            (f64.store (local.get $o) (local.get $r00))
            (if (i32.lt_u (i32.add (local.get $k) (i32.const 1)) (local.get $mb))
              (then (f64.store offset=8 (local.get $o) (local.get $r01))))
            (if (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $ma))
              (then
                (local.set $o (i32.add (local.get $o) (i32.shl (local.get $mb) (i32.const 3))))
                (f64.store (local.get $o) (local.get $r10))
                (if (i32.lt_u (i32.add (local.get $k) (i32.const 1)) (local.get $mb))
                  (then (f64.store offset=8 (local.get $o) (local.get $r11))))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $loop_k)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $loop_i)))))
