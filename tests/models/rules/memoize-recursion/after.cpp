#include <bits/stdc++.h>
using namespace std;

int n, k;
long long cost[105];

// the number of ways to climb n stairs taking 1..k steps, with a cost cap
long long ways(int at, int budget);
long long pie_ways_body_1(int at, int budget) {
    if (at == n) return 1;
    if (at > n || budget < 0) return 0;
    long long total = 0;
    for (int step = 1; step <= k; step++) {
        total += ways(at + step, budget - (int)cost[at]);
    }
    return total % 1000000007;
}

long long ways(int at, int budget) {
    static std::unordered_map<unsigned long long, long long> pie_memo_1;
    const unsigned long long pie_key_1 = (((unsigned long long)(unsigned int)(at)) << 32) | (unsigned long long)(unsigned int)(budget);
    auto pie_found_1 = pie_memo_1.find(pie_key_1);
    if (pie_found_1 != pie_memo_1.end()) return pie_found_1->second;
    const long long pie_value_1 = pie_ways_body_1(at, budget);
    pie_memo_1.emplace(pie_key_1, pie_value_1);
    return pie_value_1;
}

int main() {
    cin >> n >> k;
    for (int i = 0; i < n; i++) cin >> cost[i];
    cout << ways(0, 100) << endl;
    return 0;
}
