#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); long long s = 0;
    for (unsigned i = 0; i < (unsigned)n; i++) { unsigned x = i * 2654435761u; int c = 0; while (x) { c += x & 1; x >>= 1; } s += c; }
    printf("%lld\n", s);
}
