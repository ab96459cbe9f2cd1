#include <bits/stdc++.h>
using namespace std;

// Merge piles two at a time, cheapest first (Huffman cost); the piles kept in a min-heap.
int main() {
    int n;
    scanf("%d", &n);
    priority_queue<long long, vector<long long>, greater<long long>> piles;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        piles.push(x);
    }
    long long cost = 0, lastMerge = 0;
    while (piles.size() > 1) {
        long long a = piles.top();
        piles.pop();
        long long b = piles.top();
        piles.pop();
        cost += a + b;
        lastMerge = a + b;
        piles.push(a + b);
    }
    printf("%lld %lld\n", cost, lastMerge);
    return 0;
}
