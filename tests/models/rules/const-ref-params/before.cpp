#include <iostream>
#include <vector>
using namespace std;

long long total(vector<long long> v) {
    long long s = 0;
    for (long long x : v) s += x;
    return s;
}

int main() {
    int n;
    cin >> n;
    vector<long long> a(n);
    for (auto& x : a) cin >> x;
    long long best = 0;
    for (int i = 0; i < n; i++) best += total(a) % (i + 1);
    cout << best << "\n";
}
