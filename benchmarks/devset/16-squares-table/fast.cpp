#include <bits/stdc++.h>
using namespace std;

static char out[1 << 25];
static int len = 0;

static void put(long long x) {
    char tmp[24];
    int k = 0;
    do tmp[k++] = char('0' + x % 10), x /= 10; while (x);
    while (k) out[len++] = tmp[--k];
}

int main() {
    int n;
    scanf("%d", &n);
    for (int i = 1; i <= n; i++) {
        put(i);
        out[len++] = ' ';
        put(1LL * i * i);
        out[len++] = '\n';
    }
    fwrite(out, 1, len, stdout);
}
