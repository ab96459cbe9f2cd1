// strlen / memchr / memcpy / memset / strcmp heavy: glibc's CPU-dispatched routines dominate.
#include <cstdio>
#include <cstring>

static char text[1 << 16];
static char copy[1 << 16];

int main() {
    size_t n = fread(text, 1, sizeof(text) - 1, stdin);
    text[n] = '\0';
    unsigned long long total = 0;
    for (int round = 0; round < 40; round++) {
        for (size_t i = 0; i < n; i += 97) total += strlen(text + i);
        for (int c = 'a'; c <= 'z'; c++) {
            const char *p = static_cast<const char *>(memchr(text, c, n));
            total += p ? static_cast<size_t>(p - text) : n;
        }
        memcpy(copy, text, n + 1);
        total += strcmp(copy, text) == 0;
        memset(copy, round, n);
        total += static_cast<unsigned char>(copy[n / 2]);
    }
    printf("%llu\n", total);
    return 0;
}
