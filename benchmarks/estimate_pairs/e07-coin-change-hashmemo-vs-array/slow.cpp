#include <bits/stdc++.h>
using namespace std;

vector<int> coins; unordered_map<int, long long> memo;
long long ways(int amount, int k) {
    if (amount == 0) return 1; if (amount < 0 || k == (int)coins.size()) return 0;
    int key = amount * 16 + k; auto it = memo.find(key); if (it != memo.end()) return it->second;
    long long r = (ways(amount - coins[k], k) + ways(amount, k + 1)) % 1000000007;
    memo[key] = r; return r;
}
int main() { int n, t; scanf("%d %d", &n, &t); coins.resize(n); for (auto &c : coins) scanf("%d", &c); printf("%lld\n", ways(t, 0)); }
