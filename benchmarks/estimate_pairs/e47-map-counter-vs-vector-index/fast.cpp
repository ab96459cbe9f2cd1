#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); vector<int> cnt(100001);
    for (int i = 0; i < n; i++) { int x; scanf("%d", &x); cnt[x]++; }
    long long s = 0; for (int k = 0; k <= 100000; k++) s += 1LL * k * cnt[k] * cnt[k]; printf("%lld\n", s);
}
