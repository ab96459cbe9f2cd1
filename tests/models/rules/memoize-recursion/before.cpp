#include <bits/stdc++.h>
using namespace std;

int n, k;
long long cost[105];

// the number of ways to climb n stairs taking 1..k steps, with a cost cap
long long ways(int at, int budget) {
    if (at == n) return 1;
    if (at > n || budget < 0) return 0;
    long long total = 0;
    for (int step = 1; step <= k; step++) {
        total += ways(at + step, budget - (int)cost[at]);
    }
    return total % 1000000007;
}

int main() {
    cin >> n >> k;
    for (int i = 0; i < n; i++) cin >> cost[i];
    cout << ways(0, 100) << endl;
    return 0;
}
