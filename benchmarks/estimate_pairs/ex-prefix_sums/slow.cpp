// Prefix sums of n integers, one per line.
// Slow in the classic contest way: synchronised iostreams and std::endl on every line.
#include <iostream>
#include <vector>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<long long> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    long long sum = 0;
    for (int i = 0; i < n; i++) {
        sum += a[i];
        cout << sum << endl;
    }
    return 0;
}
