#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); map<int,int> cnt;
    for (int i = 0; i < n; i++) { int x; scanf("%d", &x); cnt[x]++; }
    long long s = 0; for (auto &[k, v] : cnt) s += 1LL * k * v * v; printf("%lld\n", s);
}
