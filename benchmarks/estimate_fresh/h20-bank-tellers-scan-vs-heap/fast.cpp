#include <bits/stdc++.h>
using namespace std;

// Same queue simulation with the tellers' free times in a min-heap.
int main() {
    int n, k;
    unsigned seed;
    scanf("%d %d %u", &n, &k, &seed);
    unsigned x = seed;
    auto next = [&]() { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; };
    priority_queue<long long, vector<long long>, greater<long long>> freeAt;
    for (int t = 0; t < k; t++) freeAt.push(0);
    long long arrival = 0, totalWait = 0, maxWait = 0;
    for (int i = 0; i < n; i++) {
        arrival += next() % 7;
        long long service = 20 + next() % 400;
        long long start = max(arrival, freeAt.top());
        freeAt.pop();
        totalWait += start - arrival;
        maxWait = max(maxWait, start - arrival);
        freeAt.push(start + service);
    }
    printf("%lld %lld\n", totalWait, maxWait);
    return 0;
}
