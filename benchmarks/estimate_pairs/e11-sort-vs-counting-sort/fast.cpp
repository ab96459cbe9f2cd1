#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); static int cnt[1001];
    for (int i = 0; i < n; i++) { int x; scanf("%d", &x); cnt[x]++; }
    long long h = 0; for (int x = 0; x <= 1000; x++) for (int c = 0; c < cnt[x]; c++) h = (h * 131 + x) % 998244353;
    printf("%lld\n", h);
}
