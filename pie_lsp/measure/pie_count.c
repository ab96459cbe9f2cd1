/* pie-count: the estimate's counts of one run, from one valgrind run cheaper than callgrind's.

   It counts what the estimate prices (pie_lsp/measure/estimate.py) with the model of
   callgrind's `--cache-sim=yes --branch-sim=yes --dump-instr=yes --toggle-collect=F`, so
   that its numbers are callgrind's (tests/measure/test_pie_count.py checks every total and
   every per-instruction line against callgrind's):
   - per instruction address: executions (Ir), data reads and writes (Dr, Dw; an
     instruction that reads and then writes the same address counts one write), and the
     misses of a two-level cache: L1I, L1D and a last level shared by both (write-allocate,
     LRU, an access that straddles two lines is one access, a miss if either line misses);
   - conditional branches and their mispredictions (16k two-bit counters indexed by seven
     bits of global history and seven of the address; the taken flag of a block's last
     exit turned around when it goes to the next instruction), indirect jumps and calls
     and theirs (a 512-entry table of last targets);
   - callgrind's superblocks (no unrolling, no chasing of jumps), its attribution of a PLT
     stub to the instruction that jumped to it, and its per-instruction lines without the
     last run of the block that exits the process (its totals have it);
   - nothing is counted inside the `--toggle-collect` functions and what they call (glibc's
     tunables parsing: see estimate.py). callgrind's caches and predictors still see that
     code; here only with --simulate-uncounted=yes (the default; the estimate says no).
   callgrind's own cost on short runs was most of the estimate's (docs/PERFORMANCE.md): it
   tracks calls and contexts the estimate does not need. Here executions are counted inline,
   once per run of instructions between a block's exits; an instruction whose cache lines
   the previous one of the same block just fetched is not simulated again (they are the
   most recently used of their sets: it hits and changes nothing); two data accesses in a
   row share one helper call.

   Output, at exit, to `--pie-count-out` (`%p`: the pid): a callgrind-format subset that
   pie-lsp's callgrind readers understand: `events:`, one `ADDRESS 0 COUNTS...` line per
   instruction with counts, `totals:`. pie-lsp builds it against the valgrind installation
   (pie_lsp/measure/tools.py). */

#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_machine.h"
#include "pub_tool_options.h"
#include "pub_tool_debuginfo.h"
#include "pub_tool_vki.h"

enum { E_IR, E_DR, E_DW, E_I1MR, E_D1MR, E_D1MW, E_ILMR, E_DLMR, E_DLMW,
       E_BC, E_BCM, E_BI, E_BIM, N_EVENTS };
static const char* event_names =
   "Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw Bc Bcm Bi Bim";

/* -- per-instruction counters ---------------------------------------------------------- */

typedef struct Instr {
   Addr addr;
   UInt size;
   Bool plt; /* callgrind files a PLT stub's costs under its caller's call: totals only */
   struct Instr* next; /* hash chain */
   ULong ev[N_EVENTS];
} Instr;

#define HASH_BITS 16
#define CHUNK 4096
static Instr* buckets[1 << HASH_BITS];
static Instr* chunk;
static Int chunk_used = CHUNK;

static Bool is_plt(Addr addr);

static Instr* instr_at(Addr addr, UInt size)
{
   UWord h = (addr ^ (addr >> HASH_BITS)) & ((1 << HASH_BITS) - 1);
   for (Instr* in = buckets[h]; in; in = in->next)
      if (in->addr == addr && in->size == size) return in;
   if (chunk_used == CHUNK) {
      chunk = VG_(calloc)("pie-count.instr", CHUNK, sizeof(Instr));
      chunk_used = 0;
   }
   Instr* in = &chunk[chunk_used++];
   in->addr = addr;
   in->size = size;
   in->plt = is_plt(addr);
   in->next = buckets[h];
   buckets[h] = in;
   return in;
}

/* The call that entered a PLT stub: the stub's counts are its (callgrind's --skip-plt) */
static Instr* plt_caller;
static Instr nowhere; /* a stub before any call */

static inline Instr* counted(Instr* in) { return in->plt ? plt_caller : in; }

static Bool is_plt(Addr addr) { return VG_(DebugInfo_sect_kind)(NULL, addr) == Vg_SectPLT; }

/* The instructions of the last block that made a system call: the one that exits the
   process, whose last run callgrind keeps out of its per-instruction lines (not its
   totals); the output does the same. */
typedef struct {
   Int n;
   Instr* instrs[];
} Block;
static Block* last_syscall_block;

/* -- collection on and off (--toggle-collect) ------------------------------------------- */

#define MAX_TOGGLED 8
#define MAX_DEPTH 64
static const HChar* toggled[MAX_TOGGLED];
static Int n_toggled;
/* 1 while collecting: instrumented code adds it to the execution counts */
static ULong collecting = 1;
/* Whether the caches and predictors see what is not counted (callgrind's way, the default);
   with --simulate-uncounted=no they keep the state the counted code left them in, so code
   that runs differently from run to run inside a toggled function cannot move a count. */
static Bool simulate_uncounted = True;
#define SIMULATED (collecting || simulate_uncounted)
static ULong depth; /* toggled functions entered and not yet left */
static Addr entry_sp[MAX_DEPTH];

static VG_REGPARM(1) void enter_toggled(Addr sp)
{
   /* sp points at the return address; a jump back to the entry is not a new call */
   if (depth > 0 && entry_sp[depth - 1] == sp) return;
   if (depth < MAX_DEPTH) entry_sp[depth++] = sp;
   collecting = 0;
}

static VG_REGPARM(1) void after_return(Addr sp)
{
   while (depth > 0 && sp > entry_sp[depth - 1]) depth--;
   collecting = depth == 0;
}

static Bool is_toggled_entry(Addr addr)
{
   const HChar* name;
   if (n_toggled == 0 || !VG_(get_fnname_if_entry)(VG_(current_DiEpoch)(), addr, &name))
      return False;
   for (Int i = 0; i < n_toggled; i++)
      if (VG_(strcmp)(name, toggled[i]) == 0) return True;
   return False;
}

/* -- caches ----------------------------------------------------------------------------- */

typedef struct {
   Int size, assoc, line;
   UInt sets_min_1;
   Int line_bits, tag_shift;
   UWord* tags; /* per set, most recently used first */
} Cache;

static Cache I1 = {.size = 32768, .assoc = 8, .line = 64};
static Cache D1 = {.size = 32768, .assoc = 8, .line = 64};
static Cache LL = {.size = 8388608, .assoc = 16, .line = 64};
static Int min_line;

static Bool parse_geometry(const HChar* arg, Cache* c)
{
   HChar* end;
   Long size = VG_(strtoll10)(arg, &end);
   if (*end != ',') return False;
   Long assoc = VG_(strtoll10)(end + 1, &end);
   if (*end != ',') return False;
   Long line = VG_(strtoll10)(end + 1, &end);
   if (*end != '\0' || size <= 0 || assoc <= 0 || line <= 0) return False;
   c->size = (Int)size;
   c->assoc = (Int)assoc;
   c->line = (Int)line;
   return True;
}

static void init_cache(Cache* c, const HChar* name)
{
   Int sets = c->size / c->line / c->assoc;
   if (sets <= 0 || VG_(log2)(sets) < 0 || VG_(log2)(c->line) < 0
       || sets * c->line * c->assoc != c->size) {
      VG_(fmsg)("pie-count: %s: the number of sets and the line size must be powers of two\n",
                name);
      VG_(exit)(1);
   }
   c->sets_min_1 = sets - 1;
   c->line_bits = VG_(log2)(c->line);
   c->tag_shift = c->line_bits + VG_(log2)(sets);
   c->tags = VG_(calloc)("pie-count.cache", (SizeT)sets * c->assoc, sizeof(UWord));
}

/* True on a miss; the tag becomes the set's most recently used */
static inline Bool set_ref(Cache* c, UInt set_no, UWord tag)
{
   UWord* set = c->tags + (UWord)set_no * c->assoc;
   if (set[0] == tag) return False;
   Int i = 1;
   while (i < c->assoc && set[i] != tag) i++;
   Bool miss = i == c->assoc;
   if (miss) i = c->assoc - 1;
   for (; i > 0; i--) set[i] = set[i - 1];
   set[0] = tag;
   return miss;
}

static inline Bool cache_ref(Cache* c, Addr a, UWord size)
{
   UInt set1 = (a >> c->line_bits) & c->sets_min_1;
   UInt set2 = ((a + size - 1) >> c->line_bits) & c->sets_min_1;
   if (set1 == set2) return set_ref(c, set1, a >> c->tag_shift);
   Bool miss1 = set_ref(c, set1, a >> c->tag_shift);
   Bool miss2 = set_ref(c, set2, (a + size - 1) >> c->tag_shift);
   return miss1 || miss2;
}

static inline void fetch(Instr* in)
{
   if (!SIMULATED || !cache_ref(&I1, in->addr, in->size)) return;
   Bool ll_miss = cache_ref(&LL, in->addr, in->size);
   if (collecting) {
      Instr* c = counted(in);
      c->ev[E_I1MR]++;
      c->ev[E_ILMR] += ll_miss;
   }
}

static inline void data(Instr* in, Addr a, UWord size, Int access, Int l1_miss, Int ll_miss)
{
   if (!SIMULATED) return;
   Bool miss = cache_ref(&D1, a, size);
   Bool ll = miss && cache_ref(&LL, a, size);
   if (collecting) {
      Instr* c = counted(in);
      c->ev[access]++;
      c->ev[l1_miss] += miss;
      c->ev[ll_miss] += ll;
   }
}

static VG_REGPARM(1) void h_fetch(Instr* in) { fetch(in); }

/* two accesses in a row (sizes and kinds packed: size, size << 8, write << 16, write << 24) */
static void h_data2(Instr* in1, Addr a1, Instr* in2, Addr a2, UWord packed)
{
   if (packed & (1 << 16))
      data(in1, a1, packed & 0xff, E_DW, E_D1MW, E_DLMW);
   else
      data(in1, a1, packed & 0xff, E_DR, E_D1MR, E_DLMR);
   if (packed & (1 << 24))
      data(in2, a2, (packed >> 8) & 0xff, E_DW, E_D1MW, E_DLMW);
   else
      data(in2, a2, (packed >> 8) & 0xff, E_DR, E_D1MR, E_DLMR);
}

static VG_REGPARM(1) void h_plt_executed(Instr* in)
{
   if (collecting) counted(in)->ev[E_IR]++;
}

static VG_REGPARM(3) void h_read(Instr* in, Addr a, UWord size)
{
   data(in, a, size, E_DR, E_D1MR, E_DLMR);
}

static VG_REGPARM(3) void h_write(Instr* in, Addr a, UWord size)
{
   data(in, a, size, E_DW, E_D1MW, E_DLMW);
}

/* -- branch predictors ------------------------------------------------------------------ */

#define HISTORY_BITS 7
#define ADDRESS_BITS 7
static UChar counters[1 << (HISTORY_BITS + ADDRESS_BITS)]; /* two-bit, start at 0 */
static UWord history;
#define TARGET_BITS 9
static Addr targets[1 << TARGET_BITS];

static VG_REGPARM(2) void h_cond(Instr* in, UWord taken)
{
   if (!SIMULATED) return;
   UWord index = ((history & ((1 << HISTORY_BITS) - 1)) << ADDRESS_BITS)
                 | (in->addr & ((1 << ADDRESS_BITS) - 1));
   Bool miss = (counters[index] >= 2) != (taken != 0);
   history = (history << 1) | (taken != 0);
   if (taken) {
      if (counters[index] < 3) counters[index]++;
   } else if (counters[index] > 0) {
      counters[index]--;
   }
   if (collecting) {
      Instr* c = counted(in);
      c->ev[E_BC]++;
      c->ev[E_BCM] += miss;
   }
}

static VG_REGPARM(2) void h_indirect(Instr* in, Addr target)
{
   if (!SIMULATED) return;
   UWord index = in->addr & ((1 << TARGET_BITS) - 1);
   Bool miss = targets[index] != target;
   targets[index] = target;
   if (collecting) {
      Instr* c = counted(in);
      c->ev[E_BI]++;
      c->ev[E_BIM] += miss;
   }
}

/* -- instrumentation -------------------------------------------------------------------- */

/* Executions are counted per run of instructions between a block's exits (a segment): all
   of them run when the first does. At exit each instruction gets its segments' counts. */
typedef struct Segment {
   ULong count;
   struct Segment* next;
   Int n;
   Instr* instrs[];
} Segment;
static Segment* segments;

/* The simulator calls of a block, in program order, emitted at its exits, its guarded
   accesses and its end (the addresses are atoms, valid from where they are defined on). */
typedef enum { EV_FETCH, EV_READ, EV_WRITE, EV_COND } EvKind;
typedef struct {
   EvKind kind;
   Instr* instr;
   IRExpr* atom; /* address, or the taken flag */
   Int size;
} Event;

#define MAX_PENDING 64
typedef struct {
   IRSB* out;
   Instr* instr;
   Event pending[MAX_PENDING];
   Int n;
   IRExpr* on; /* the collecting flag, read at the block's start */
   Segment* segment; /* the current one, NULL after an exit */
   Int marks; /* instructions in the block */
   Block* block; /* its instructions, kept for a block that makes a system call */
} State;

static IRExpr* word(UWord w) { return IRExpr_Const(IRConst_U64(w)); }

/* the guest stack pointer, as an atom (what a helper call's arguments must be) */
static IRExpr* stack_pointer(IRSB* out, const VexGuestLayout* layout)
{
   IRTemp sp = newIRTemp(out->tyenv, Ity_I64);
   addStmtToIRSB(out, IRStmt_WrTmp(sp, IRExpr_Get(layout->offset_SP, Ity_I64)));
   return IRExpr_RdTmp(sp);
}

static void call(State* s, Int regparms, const HChar* name, void* fn, IRExpr** args,
                 IRExpr* guard)
{
   IRDirty* d = unsafeIRDirty_0_N(regparms, name, VG_(fnptr_to_fnentry)(fn), args);
   if (guard) d->guard = guard;
   addStmtToIRSB(s->out, IRStmt_Dirty(d));
}

/* *counter += the collecting flag, inline */
static void count(State* s, ULong* counter)
{
   IRTemp old = newIRTemp(s->out->tyenv, Ity_I64);
   IRTemp new = newIRTemp(s->out->tyenv, Ity_I64);
   addStmtToIRSB(s->out, IRStmt_WrTmp(old, IRExpr_Load(Iend_LE, Ity_I64, word((UWord)counter))));
   addStmtToIRSB(s->out, IRStmt_WrTmp(new, IRExpr_Binop(Iop_Add64, IRExpr_RdTmp(old), s->on)));
   addStmtToIRSB(s->out, IRStmt_Store(Iend_LE, word((UWord)counter), IRExpr_RdTmp(new)));
}

static void executed(State* s)
{
   if (s->block) s->block->instrs[s->block->n++] = s->instr;
   if (s->instr->plt) { /* counted to its caller, known only when it runs */
      call(s, 1, "h_plt_executed", h_plt_executed, mkIRExprVec_1(word((UWord)s->instr)), NULL);
      return;
   }
   if (s->segment == NULL) {
      s->segment = VG_(calloc)("pie-count.segment", 1, sizeof(Segment) + s->marks * sizeof(Instr*));
      s->segment->next = segments;
      segments = s->segment;
      count(s, &s->segment->count);
   }
   s->segment->instrs[s->segment->n++] = s->instr;
}

static Bool is_data(Event* e) { return e->kind == EV_READ || e->kind == EV_WRITE; }

static void flush(State* s)
{
   for (Int i = 0; i < s->n; i++) {
      Event* e = &s->pending[i];
      Event* next = i + 1 < s->n ? &s->pending[i + 1] : NULL;
      IRExpr* in = word((UWord)e->instr);
      if (e->kind == EV_FETCH) {
         call(s, 1, "h_fetch", h_fetch, mkIRExprVec_1(in), NULL);
      } else if (is_data(e) && next && is_data(next)) { /* two accesses, one call */
         UWord packed = e->size | (next->size << 8) | ((UWord)(e->kind == EV_WRITE) << 16)
                        | ((UWord)(next->kind == EV_WRITE) << 24);
         call(s, 0, "h_data2", h_data2,
              mkIRExprVec_5(in, e->atom, word((UWord)next->instr), next->atom, word(packed)),
              NULL);
         i++;
      } else if (is_data(e)) {
         Bool read = e->kind == EV_READ;
         call(s, 3, read ? "h_read" : "h_write", read ? (void*)h_read : (void*)h_write,
              mkIRExprVec_3(in, e->atom, word(e->size)), NULL);
      } else {
         call(s, 2, "h_cond", h_cond, mkIRExprVec_2(in, e->atom), NULL);
      }
   }
   s->n = 0;
}

static void add(State* s, EvKind kind, IRExpr* atom, Int size)
{
   if (s->n == MAX_PENDING) flush(s);
   s->pending[s->n++] = (Event){kind, s->instr, atom, size};
}

static void add_read(State* s, IRExpr* addr, Int size) { add(s, EV_READ, addr, size); }

static void add_write(State* s, IRExpr* addr, Int size)
{
   /* a read then a write of the same address by one instruction is one write */
   if (s->n > 0) {
      Event* last = &s->pending[s->n - 1];
      if (last->kind == EV_READ && last->instr == s->instr && last->size == size
          && eqIRAtom(last->atom, addr)) {
         last->kind = EV_WRITE;
         return;
      }
   }
   add(s, EV_WRITE, addr, size);
}

static void guarded(State* s, IRExpr* addr, Int size, IRExpr* guard, Bool write)
{
   flush(s);
   call(s, 3, write ? "h_write" : "h_read", write ? (void*)h_write : (void*)h_read,
        mkIRExprVec_3(word((UWord)s->instr), addr, word(size)), guard);
}

static IRSB* pc_instrument(VgCallbackClosure* closure, IRSB* in, const VexGuestLayout* layout,
                           const VexGuestExtents* vge, const VexArchInfo* archinfo_host,
                           IRType gWordTy, IRType hWordTy)
{
   State s = {.out = deepCopyIRSBExceptStmts(in), .n = 0};
   IRTypeEnv* types = in->tyenv;
   Int i = 0;
   while (i < in->stmts_used && in->stmts[i]->tag != Ist_IMark)
      addStmtToIRSB(s.out, in->stmts[i++]);
   if (i == in->stmts_used) return in;

   /* the last exit is a taken branch turned around when it leaves the last instruction for
      the next one (the block continues at the branch target): its guard is "not taken" */
   Int last_exit = -1, last_mark = -1;
   for (Int j = i; j < in->stmts_used; j++) {
      if (in->stmts[j]->tag == Ist_Exit) last_exit = j;
      if (in->stmts[j]->tag == Ist_IMark) last_mark = j;
   }
   Bool inverted = False;
   if (last_exit > last_mark) {
      IRStmt* mark = in->stmts[last_mark];
      IRConst* dst = in->stmts[last_exit]->Ist.Exit.dst;
      inverted = dst->tag == Ico_U64
                 && dst->Ico.U64 == mark->Ist.IMark.addr + mark->Ist.IMark.len;
   }

   for (Int j = i; j < in->stmts_used; j++) s.marks += in->stmts[j]->tag == Ist_IMark;
   if (in->jumpkind == Ijk_Sys_syscall) {
      s.block = VG_(malloc)("pie-count.block", sizeof(Block) + s.marks * sizeof(Instr*));
      s.block->n = 0;
   }
   Addr first = (Addr)in->stmts[i]->Ist.IMark.addr;
   if (is_toggled_entry(first))
      call(&s, 1, "enter_toggled", enter_toggled,
           mkIRExprVec_1(stack_pointer(s.out, layout)), NULL);
   IRTemp on = newIRTemp(s.out->tyenv, Ity_I64);
   addStmtToIRSB(s.out, IRStmt_WrTmp(on, IRExpr_Load(Iend_LE, Ity_I64, word((UWord)&collecting))));
   s.on = IRExpr_RdTmp(on);

   UWord prev_lo = 1, prev_hi = 0; /* I1 lines of the previous instruction: none yet */
   for (; i < in->stmts_used; i++) {
      IRStmt* st = in->stmts[i];
      switch (st->tag) {
         case Ist_IMark: {
            addStmtToIRSB(s.out, st);
            Addr addr = (Addr)st->Ist.IMark.addr;
            UInt size = st->Ist.IMark.len == 0 ? 1 : st->Ist.IMark.len;
            s.instr = instr_at(addr, size);
            executed(&s);
            UWord lo = addr >> I1.line_bits, hi = (addr + size - 1) >> I1.line_bits;
            if (lo < prev_lo || hi > prev_hi) add(&s, EV_FETCH, NULL, 0);
            prev_lo = lo;
            prev_hi = hi;
            continue;
         }
         case Ist_WrTmp: {
            IRExpr* e = st->Ist.WrTmp.data;
            if (e->tag == Iex_Load) add_read(&s, e->Iex.Load.addr, sizeofIRType(e->Iex.Load.ty));
            break;
         }
         case Ist_Store:
            add_write(&s, st->Ist.Store.addr,
                      sizeofIRType(typeOfIRExpr(types, st->Ist.Store.data)));
            break;
         case Ist_StoreG: {
            IRStoreG* g = st->Ist.StoreG.details;
            guarded(&s, g->addr, sizeofIRType(typeOfIRExpr(types, g->data)), g->guard, True);
            break;
         }
         case Ist_LoadG: {
            IRLoadG* g = st->Ist.LoadG.details;
            IRType wide = Ity_INVALID, narrow = Ity_INVALID;
            typeOfIRLoadGOp(g->cvt, &wide, &narrow);
            guarded(&s, g->addr, sizeofIRType(narrow), g->guard, False);
            break;
         }
         case Ist_Dirty: {
            IRDirty* d = st->Ist.Dirty.details;
            if (d->mFx != Ifx_None) {
               Int size = d->mSize > min_line ? min_line : d->mSize;
               if (d->mFx == Ifx_Read || d->mFx == Ifx_Modify) add_read(&s, d->mAddr, size);
               if (d->mFx == Ifx_Write || d->mFx == Ifx_Modify) add_write(&s, d->mAddr, size);
            }
            break;
         }
         case Ist_CAS: {
            IRCAS* cas = st->Ist.CAS.details;
            Int size = sizeofIRType(typeOfIRExpr(types, cas->dataLo)) * (cas->dataHi ? 2 : 1);
            add_read(&s, cas->addr, size);
            add_write(&s, cas->addr, size);
            break;
         }
         case Ist_LLSC:
            if (st->Ist.LLSC.storedata == NULL) {
               add_read(&s, st->Ist.LLSC.addr,
                        sizeofIRType(typeOfIRTemp(types, st->Ist.LLSC.result)));
               flush(&s);
            } else {
               add_write(&s, st->Ist.LLSC.addr,
                         sizeofIRType(typeOfIRExpr(types, st->Ist.LLSC.storedata)));
            }
            break;
         case Ist_Exit: {
            IRJumpKind jk = st->Ist.Exit.jk;
            if (jk == Ijk_Boring || jk == Ijk_Call || jk == Ijk_Ret) {
               IRTemp guard = newIRTemp(s.out->tyenv, Ity_I1);
               IRTemp taken = newIRTemp(s.out->tyenv, Ity_I64);
               addStmtToIRSB(s.out, IRStmt_WrTmp(guard, st->Ist.Exit.guard));
               IRExpr* widened = IRExpr_Unop(Iop_1Uto64, IRExpr_RdTmp(guard));
               if (inverted && i == last_exit) {
                  IRTemp w = newIRTemp(s.out->tyenv, Ity_I64);
                  addStmtToIRSB(s.out, IRStmt_WrTmp(w, widened));
                  widened = IRExpr_Binop(Iop_Xor64, IRExpr_RdTmp(w), word(1));
               }
               addStmtToIRSB(s.out, IRStmt_WrTmp(taken, widened));
               add(&s, EV_COND, IRExpr_RdTmp(taken), 0);
            }
            flush(&s);
            s.segment = NULL;
            if (!s.instr->plt && is_plt(st->Ist.Exit.dst->Ico.U64))
               addStmtToIRSB(s.out, IRStmt_StoreG(Iend_LE, word((UWord)&plt_caller),
                                                  word((UWord)s.instr), st->Ist.Exit.guard));
            break;
         }
         default:
            break;
      }
      addStmtToIRSB(s.out, st);
   }

   flush(&s);
   if ((in->jumpkind == Ijk_Call || in->jumpkind == Ijk_Boring) && !s.instr->plt
       && (in->next->tag != Iex_Const || is_plt(in->next->Iex.Const.con->Ico.U64)))
      addStmtToIRSB(s.out, IRStmt_Store(Iend_LE, word((UWord)&plt_caller), word((UWord)s.instr)));
   if ((in->jumpkind == Ijk_Boring || in->jumpkind == Ijk_Call) && in->next->tag == Iex_RdTmp)
      call(&s, 2, "h_indirect", h_indirect, mkIRExprVec_2(word((UWord)s.instr), in->next), NULL);
   if (s.block)
      addStmtToIRSB(s.out, IRStmt_Store(Iend_LE, word((UWord)&last_syscall_block),
                                        word((UWord)s.block)));
   if (in->jumpkind == Ijk_Ret && n_toggled > 0) {
      IRTemp d = newIRTemp(s.out->tyenv, Ity_I64);
      IRTemp inside = newIRTemp(s.out->tyenv, Ity_I1);
      addStmtToIRSB(s.out, IRStmt_WrTmp(d, IRExpr_Load(Iend_LE, Ity_I64, word((UWord)&depth))));
      addStmtToIRSB(s.out, IRStmt_WrTmp(inside, IRExpr_Binop(Iop_CmpNE64, IRExpr_RdTmp(d),
                                                             word(0))));
      call(&s, 1, "after_return", after_return,
           mkIRExprVec_1(stack_pointer(s.out, layout)), IRExpr_RdTmp(inside));
   }
   return s.out;
}

/* -- options, output -------------------------------------------------------------------- */

static const HChar* out_option = "pie-count.out.%p";

static Bool pc_process_cmd_line_option(const HChar* arg)
{
   const HChar* value;
   if (VG_STR_CLO(arg, "--pie-count-out", out_option)) return True;
   if (VG_BOOL_CLO(arg, "--simulate-uncounted", simulate_uncounted)) return True;
   if (VG_STR_CLO(arg, "--toggle-collect", value)) {
      if (n_toggled == MAX_TOGGLED) return False;
      toggled[n_toggled++] = value;
      return True;
   }
   if (VG_STR_CLO(arg, "--I1", value)) return parse_geometry(value, &I1);
   if (VG_STR_CLO(arg, "--D1", value)) return parse_geometry(value, &D1);
   if (VG_STR_CLO(arg, "--LL", value)) return parse_geometry(value, &LL);
   return False;
}

static void pc_print_usage(void)
{
   VG_(printf)("    --pie-count-out=FILE    where to write the counts (%%p: the pid)\n"
               "    --toggle-collect=FN     count nothing inside FN and what it calls\n"
               "    --simulate-uncounted=no|yes  caches and predictors see the uncounted\n"
               "    --I1=S,A,L --D1=S,A,L --LL=S,A,L   cache size, ways, line bytes\n");
}

static void pc_print_debug_usage(void) {}

static void pc_post_clo_init(void)
{
   plt_caller = &nowhere;
   init_cache(&I1, "--I1");
   init_cache(&D1, "--D1");
   init_cache(&LL, "--LL");
   min_line = I1.line < D1.line ? I1.line : D1.line;
   if (LL.line < min_line) min_line = LL.line;
}

typedef struct {
   Int fd;
   Int used;
   HChar buf[65536];
} Writer;

static void put(Writer* w, const HChar* text)
{
   Int n = VG_(strlen)(text);
   if (w->used + n > (Int)sizeof(w->buf)) {
      VG_(write)(w->fd, w->buf, w->used);
      w->used = 0;
   }
   VG_(memcpy)(w->buf + w->used, text, n);
   w->used += n;
}

static void put_counts(Writer* w, const ULong* ev)
{
   HChar number[32];
   for (Int e = 0; e < N_EVENTS; e++) {
      VG_(sprintf)(number, " %llu", ev[e]);
      put(w, number);
   }
   put(w, "\n");
}

static void pc_fini(Int exitcode)
{
   HChar* name = VG_(expand_file_name)("--pie-count-out", out_option);
   SysRes res =
      VG_(open)(name, VKI_O_CREAT | VKI_O_WRONLY | VKI_O_TRUNC, VKI_S_IRUSR | VKI_S_IWUSR);
   if (sr_isError(res)) {
      VG_(umsg)("pie-count: cannot write %s\n", name);
      return;
   }
   static Writer w;
   w.fd = (Int)sr_Res(res);
   w.used = 0;
   HChar line[128];
   put(&w, "# pie-count\npositions: instr line\nevents: ");
   put(&w, event_names);
   put(&w, "\n");
   for (Segment* seg = segments; seg; seg = seg->next)
      for (Int i = 0; i < seg->n; i++) seg->instrs[i]->ev[E_IR] += seg->count;
   ULong totals[N_EVENTS] = {0};
   for (Int h = 0; h < (1 << HASH_BITS); h++) {
      for (Instr* in = buckets[h]; in; in = in->next) {
         for (Int e = 0; e < N_EVENTS; e++) totals[e] += in->ev[e];
      }
   }
   if (last_syscall_block) {
      /* the exiting run: its counts only in the totals (all of them when it ran once) */
      for (Int i = 0; i < last_syscall_block->n; i++) {
         Instr* in = last_syscall_block->instrs[i];
         if (in->ev[E_IR] <= 1)
            VG_(memset)(in->ev, 0, sizeof(in->ev));
         else
            in->ev[E_IR]--;
      }
   }
   for (Int h = 0; h < (1 << HASH_BITS); h++) {
      for (Instr* in = buckets[h]; in; in = in->next) {
         Bool any = False;
         for (Int e = 0; e < N_EVENTS; e++) any |= in->ev[e] != 0;
         if (!any || in->plt) continue;
         VG_(sprintf)(line, "0x%lx 0", in->addr);
         put(&w, line);
         put_counts(&w, in->ev);
      }
   }
   put(&w, "totals:");
   put_counts(&w, totals);
   VG_(write)(w.fd, w.buf, w.used);
   VG_(close)(w.fd);
}

static void pc_pre_clo_init(void)
{
   VG_(details_name)("pie-count");
   VG_(details_version)(NULL);
   VG_(details_description)("the Skylake estimate's counts (callgrind's model, faster)");
   VG_(details_copyright_author)("pie-lsp");
   VG_(details_bug_reports_to)("https://github.com/pie-lsp");
   VG_(basic_tool_funcs)(pc_post_clo_init, pc_instrument, pc_fini);
   /* callgrind's superblocks: no loop unrolling, and a call or jump ends a block (so a
      function's entry starts one, and the last exit is turned around as callgrind sees) */
   VG_(clo_vex_control).iropt_unroll_thresh = 0;
   VG_(clo_vex_control).guest_chase = False;
   VG_(needs_command_line_options)(pc_process_cmd_line_option, pc_print_usage,
                                   pc_print_debug_usage);
}

VG_DETERMINE_INTERFACE_VERSION(pc_pre_clo_init)
