#include <bits/stdc++.h>
using namespace std;

// Customers go to whichever teller frees up first; total and longest wait.
int main() {
    int n, k;
    unsigned seed;
    scanf("%d %d %u", &n, &k, &seed);
    unsigned x = seed;
    auto next = [&]() { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; };
    vector<long long> freeAt(k, 0);
    long long arrival = 0, totalWait = 0, maxWait = 0;
    for (int i = 0; i < n; i++) {
        arrival += next() % 7;
        long long service = 20 + next() % 400;
        int best = 0;
        for (int t = 1; t < k; t++)
            if (freeAt[t] < freeAt[best]) best = t;
        long long start = max(arrival, freeAt[best]);
        totalWait += start - arrival;
        maxWait = max(maxWait, start - arrival);
        freeAt[best] = start + service;
    }
    printf("%lld %lld\n", totalWait, maxWait);
    return 0;
}
