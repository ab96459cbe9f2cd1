/* pie-div: a valgrind tool that counts the micro-ops gem5 runs for x86 integer division.

   gem5 executes DIV and IDIV as microcode (src/arch/x86/isa/insts/general_purpose/
   arithmetic/multiply_and_divide.py): a set-up, then a loop of four `div2` steps and a
   micro-branch that runs until every dividend bit is shifted in. Each `div2` shifts in bits
   until the partial remainder reaches the divisor and subtracts once, so the number of steps
   is the number of 1 bits of the (absolute) quotient, plus one when the quotient is even
   (the last step shifts in the trailing zeros without subtracting); the first step runs
   before the loop. The loop therefore runs max(1, ceil((steps - 1) / 4)) times.

   For every executed division this tool adds the quotient's loop count to the division's
   site (its guest address); at exit it writes, per site, `pie-div ADDR KIND COUNT LOOPS`
   (KIND: u32, s32, u64, s64) to the file `--pie-div-out` names (`%p`: the pid, so that a
   forked child's divisions do not land in its parent's file). Only divisions are
   instrumented, so the program runs at valgrind's no-instrumentation speed. pie-lsp builds
   it against the valgrind installation (pie_lsp/measure/tools.py). */

#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_machine.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_options.h"
#include "pub_tool_vki.h"

#define MAX_SITES 65536

static Addr site_address[MAX_SITES];
static Int site_kind[MAX_SITES];
static ULong site_count[MAX_SITES];
static ULong site_loops[MAX_SITES];
static Int sites_used = 1; /* site 0 collects divisions past MAX_SITES */

static const char* kind_names[4] = {"u32", "s32", "u64", "s64"};

static VG_REGPARM(2) void record(ULong quotient, ULong site)
{
   Int kind = site_kind[site];
   ULong q = quotient;
   if (kind == 1) { /* signed 32-bit: the magnitude of the low half */
      Int s = (Int)(UInt)q;
      q = s < 0 ? (ULong)(-(Long)s) : (ULong)s;
   } else if (kind == 3) {
      Long s = (Long)q;
      q = s < 0 ? -(ULong)s : (ULong)s;
   } else if (kind == 0) {
      q &= 0xFFFFFFFFULL;
   }
   ULong steps = (ULong)__builtin_popcountll(q) + ((q & 1) ? 0 : 1);
   ULong loops = steps <= 1 ? 1 : (steps - 1 + 3) / 4;
   site_count[site]++;
   site_loops[site] += loops;
}

static void pd_post_clo_init(void) {}

static IRSB* pd_instrument(VgCallbackClosure* closure, IRSB* sb_in, const VexGuestLayout* layout,
                           const VexGuestExtents* vge, const VexArchInfo* archinfo_host,
                           IRType gWordTy, IRType hWordTy)
{
   IRSB* sb_out = deepCopyIRSBExceptStmts(sb_in);
   Addr address = 0;
   for (Int i = 0; i < sb_in->stmts_used; i++) {
      IRStmt* st = sb_in->stmts[i];
      addStmtToIRSB(sb_out, st);
      if (st->tag == Ist_IMark) {
         address = (Addr)st->Ist.IMark.addr;
         continue;
      }
      if (st->tag != Ist_WrTmp || st->Ist.WrTmp.data->tag != Iex_Binop) continue;
      Int kind;
      switch (st->Ist.WrTmp.data->Iex.Binop.op) {
         case Iop_DivModU64to32: kind = 0; break; /* div r/m32 (and r/m16, r/m8) */
         case Iop_DivModS64to32: kind = 1; break;
         case Iop_DivModU128to64: kind = 2; break; /* div r/m64 */
         case Iop_DivModS128to64: kind = 3; break;
         default: continue;
      }
      Int site = 0;
      if (sites_used < MAX_SITES) {
         site = sites_used++;
         site_address[site] = address;
         site_kind[site] = kind;
      }
      /* the quotient is the low half of the result */
      IRExpr* quotient = IRExpr_RdTmp(st->Ist.WrTmp.tmp);
      IRTemp low = newIRTemp(sb_out->tyenv, Ity_I64);
      addStmtToIRSB(sb_out, IRStmt_WrTmp(low, kind >= 2 ? IRExpr_Unop(Iop_128to64, quotient)
                                                          : quotient));
      IRDirty* call = unsafeIRDirty_0_N(
         2, "pie_div_record", VG_(fnptr_to_fnentry)(&record),
         mkIRExprVec_2(IRExpr_RdTmp(low), IRExpr_Const(IRConst_U64((ULong)site))));
      addStmtToIRSB(sb_out, IRStmt_Dirty(call));
   }
   return sb_out;
}

static const HChar* out_option = "pie-div.out.%p";

static Bool pd_process_cmd_line_option(const HChar* arg)
{
   return VG_STR_CLO(arg, "--pie-div-out", out_option);
}

static void pd_print_usage(void)
{
   VG_(printf)("    --pie-div-out=FILE      where to write the sites (%%p: the pid)\n");
}

static void pd_print_debug_usage(void) {}

static void pd_fini(Int exitcode)
{
   HChar* name = VG_(expand_file_name)("--pie-div-out", out_option);
   SysRes opened =
      VG_(open)(name, VKI_O_CREAT | VKI_O_WRONLY | VKI_O_TRUNC, VKI_S_IRUSR | VKI_S_IWUSR);
   if (sr_isError(opened)) {
      VG_(umsg)("pie-div: cannot write %s\n", name);
      return;
   }
   Int fd = (Int)sr_Res(opened);
   HChar line[128];
   for (Int site = 0; site < sites_used; site++) {
      if (site_count[site] == 0) continue;
      Int n = VG_(sprintf)(line, "pie-div %#lx %s %llu %llu\n", site_address[site],
                           kind_names[site_kind[site]], site_count[site], site_loops[site]);
      VG_(write)(fd, line, n);
   }
   VG_(close)(fd);
}

static void pd_pre_clo_init(void)
{
   VG_(details_name)("pie-div");
   VG_(details_version)(NULL);
   VG_(details_description)("gem5's micro-op counts of x86 integer division");
   VG_(details_copyright_author)("pie-lsp");
   VG_(details_bug_reports_to)("https://github.com/pie-lsp");
   VG_(basic_tool_funcs)(pd_post_clo_init, pd_instrument, pd_fini);
   VG_(needs_command_line_options)(pd_process_cmd_line_option, pd_print_usage,
                                   pd_print_debug_usage);
}

VG_DETERMINE_INTERFACE_VERSION(pd_pre_clo_init)
