#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); static char out[1 << 22]; int p = 0;
    for (int i = 0; i < n; i++) {
        unsigned v = (i * 2654435761u) >> 7; char t[12]; int k = 0;
        do { t[k++] = '0' + v % 10; v /= 10; } while (v);
        while (k) out[p++] = t[--k]; out[p++] = '\n';
    }
    fwrite(out, 1, p, stdout);
}
