#include <iostream>
#include <vector>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<long long> a(n);
    for (int i = 0; i < n; i++) cin >> a[i];
    long long inversions = 0, sums = 0;
    for (int i = 1; i < n; i++) {
        for (int j = 0; j < i; j++) {
            inversions += (a[j] > a[i]);
        }
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (a[i] + a[j] >= 10) sums++;
    cout << inversions << " " << sums << "\n";
}
