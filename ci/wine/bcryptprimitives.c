/* A stand-in for Windows' bcryptprimitives.dll, for running the Windows build under Wine 8, which lacks
 * ProcessPrng (Rust's standard library draws its random bytes from it). It fills the buffer from
 * advapi32's RtlGenRandom (exported as SystemFunction036), which Wine has. Placed beside the .exe, it is
 * loaded before the system's copy. Used by ci/windows.sh only; never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
