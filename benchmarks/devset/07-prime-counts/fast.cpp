#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    scanf("%d", &q);
    vector<int> xs(q);
    int mx = 1;
    for (auto &x : xs) scanf("%d", &x), mx = max(mx, x);
    vector<char> comp(mx + 1, 0);
    vector<int> cnt(mx + 1, 0);
    for (int i = 2; i <= mx; i++) {
        if (!comp[i])
            for (long long j = 1LL * i * i; j <= mx; j += i) comp[j] = 1;
        cnt[i] = cnt[i - 1] + !comp[i];
    }
    for (int x : xs) printf("%d\n", x >= 1 ? cnt[x] : 0);
}
