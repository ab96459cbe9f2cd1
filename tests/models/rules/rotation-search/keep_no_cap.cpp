#include <deque>
#include <iostream>
using namespace std;

int main() {
    deque<int> a = {1, 2, 3}, b = {3, 1, 2};
    bool more = true;
    while (a != b && more) {
        a.push_back(a.front());
        a.pop_front();
    }
    cout << (a == b) << "\n";
}
