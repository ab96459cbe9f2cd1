#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, t; scanf("%d %d", &n, &t); vector<int> coins(n); for (auto &c : coins) scanf("%d", &c);
    vector<long long> w(t + 1); w[0] = 1;
    for (int k = n - 1; k >= 0; k--) for (int a = coins[k]; a <= t; a++) w[a] = (w[a] + w[a - coins[k]]) % 1000000007;
    printf("%lld\n", w[t]);
}
