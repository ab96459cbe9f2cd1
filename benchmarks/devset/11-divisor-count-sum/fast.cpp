#include <bits/stdc++.h>
using namespace std;

int main() {
    long long n;
    cin >> n;
    // each d divides exactly n/d of the numbers 1..n
    long long total = 0;
    for (long long d = 1; d <= n; d++) total += n / d;
    cout << total << endl;
}
