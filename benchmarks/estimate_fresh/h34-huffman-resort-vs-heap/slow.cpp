#include <bits/stdc++.h>
using namespace std;

// Merge piles two at a time, cheapest first (Huffman cost); the piles re-sorted every step.
int main() {
    int n;
    scanf("%d", &n);
    vector<long long> piles(n);
    for (auto& x : piles) scanf("%lld", &x);
    long long cost = 0, lastMerge = 0;
    while (piles.size() > 1) {
        sort(piles.begin(), piles.end(), greater<long long>());
        long long a = piles.back();
        piles.pop_back();
        long long b = piles.back();
        piles.pop_back();
        cost += a + b;
        lastMerge = a + b;
        piles.push_back(a + b);
    }
    printf("%lld %lld\n", cost, lastMerge);
    return 0;
}
