#include <cstdio>
#include <vector>
using namespace std;

// For each number: count of distinct prime factors and its largest prime factor.
int main() {
    int q;
    scanf("%d", &q);
    vector<int> a(q);
    for (int& x : a) scanf("%d", &x);
    long long sumDistinct = 0, sumLargest = 0;
    for (int x : a) {
        int distinct = 0, largest = 1;
        for (int p = 2; (long long)p * p <= x; p++) {
            if (x % p == 0) {
                distinct++;
                largest = p;
                while (x % p == 0) x /= p;
            }
        }
        if (x > 1) { distinct++; largest = x; }
        sumDistinct += distinct;
        sumLargest += largest;
    }
    printf("%lld %lld\n", sumDistinct, sumLargest);
    return 0;
}
